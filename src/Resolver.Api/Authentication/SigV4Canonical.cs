using System.Globalization;
using System.Text;

namespace Resolver.Api.Authentication;

/// <summary>The canonical forms SigV4 signs: path, query string and header values.</summary>
internal static class SigV4Canonical
{
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>
    /// The canonical URI of every service but S3: dot segments and empty segments removed (as the SDKs do
    /// before signing), then the path as sent encoded once more, so <c>%20</c> becomes <c>%2520</c>.
    /// </summary>
    public static string Path(string rawPath)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }

        var segments = new List<string>();
        foreach (var segment in rawPath.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        var leading = rawPath[0] == '/' ? "/" : "";
        var trailing = rawPath[^1] == '/' && segments.Count > 0 ? "/" : "";
        var normalized = leading + string.Join('/', segments) + trailing;
        return normalized.Length == 0 ? "/" : Encode(Encoding.UTF8.GetBytes(normalized), keepSlash: true);
    }

    /// <summary>
    /// The canonical query string: each name and value decoded and re-encoded strictly (so clients that
    /// escape more or less than RFC 3986 asks still match), sorted by name and then value.
    /// </summary>
    public static string Query(IEnumerable<QueryParameter> parameters)
    {
        var pairs = parameters.Select(p => (Name: Normalize(p.RawName), Value: Normalize(p.RawValue))).ToList();
        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(static p => p.Name + "=" + p.Value));
    }

    /// <summary>Splits a raw query string into its parameters, keeping them encoded; a name without <c>=</c> has an empty value.</summary>
    public static List<QueryParameter> ParseQuery(string rawQuery)
    {
        var parameters = new List<QueryParameter>();
        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        foreach (var piece in query.Split('&'))
        {
            if (piece.Length == 0)
            {
                continue;
            }

            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            parameters.Add(equals < 0 ? new QueryParameter(piece, "") : new QueryParameter(piece[..equals], piece[(equals + 1)..]));
        }

        return parameters;
    }

    /// <summary>
    /// A signed header's canonical value: each field value trimmed with inner runs of blanks collapsed to
    /// one space, repeated fields joined by commas in arrival order.
    /// </summary>
    public static string HeaderValue(IReadOnlyList<string> values)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            var pendingSpace = false;
            var started = false;
            foreach (var c in values[i])
            {
                if (c is ' ' or '\t')
                {
                    pendingSpace = started;
                    continue;
                }

                if (pendingSpace)
                {
                    builder.Append(' ');
                    pendingSpace = false;
                }

                builder.Append(c);
                started = true;
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes <c>%XX</c> escapes (as UTF-8) and leaves everything else, including <c>+</c>, as it is.</summary>
    public static string Decode(string value) => Encoding.UTF8.GetString(DecodeToBytes(value));

    public static string FormatAmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    public static bool TryParseAmzDate(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(
            text, AmzDateFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static string Normalize(string raw) => Encode(DecodeToBytes(raw), keepSlash: false);

    private static byte[] DecodeToBytes(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(value);
        }

        var bytes = new List<byte>(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add(byte.Parse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += 2;
                continue;
            }

            // A lone surrogate cannot be UTF-8; the encoder's replacement character keeps it unsignable rather than throwing.
            var length = char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            var written = Encoding.UTF8.GetBytes(value.AsSpan(i, length), utf8);
            for (var j = 0; j < written; j++)
            {
                bytes.Add(utf8[j]);
            }

            i += length - 1;
        }

        return [.. bytes];
    }

    private static string Encode(ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) || (keepSlash && b == '/'))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
