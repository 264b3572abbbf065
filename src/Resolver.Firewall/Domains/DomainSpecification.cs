using System.Globalization;
using System.Text;

namespace Resolver.Firewall.Domains;

/// <summary>
/// One entry of a domain list, normalised: lower-case ASCII (internationalised names as punycode),
/// no trailing dot. <c>example.com</c> matches that name only; <c>*.example.com</c> every name below it;
/// <c>*</c> every name (then <see cref="Name"/> is empty).
/// </summary>
public readonly record struct DomainSpecification(string Name, bool IsWildcard)
{
    public const int MaxLength = 255;

    private const int MaxLabelLength = 63;

    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    public override string ToString() => IsWildcard ? (Name.Length == 0 ? "*" : "*." + Name) : Name;

    /// <summary>Parses one entry as AWS accepts it; <paramref name="error"/> says why when it is refused.</summary>
    public static bool TryParse(string text, out DomainSpecification specification, out string? error)
    {
        specification = default;
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length > 1 && trimmed[^1] == '.')
        {
            trimmed = trimmed[..^1];
        }

        if (trimmed.IsEmpty)
        {
            error = "empty domain";
            return false;
        }

        var wildcard = false;
        if (trimmed[0] == '*')
        {
            if (trimmed.Length == 1)
            {
                specification = new DomainSpecification(string.Empty, true);
                error = null;
                return true;
            }

            if (trimmed[1] != '.')
            {
                error = $"'{trimmed}': a wildcard is '*' alone or '*.' followed by a domain";
                return false;
            }

            wildcard = true;
            trimmed = trimmed[2..];
        }

        var ascii = trimmed.ToString();
        if (!IsAscii(ascii))
        {
            try
            {
                ascii = Idn.GetAscii(ascii);
            }
            catch (ArgumentException exception)
            {
                error = $"'{trimmed}': not a valid internationalised domain name ({exception.Message})";
                return false;
            }
        }

        if (!TryValidateLabels(ascii, out error))
        {
            error = $"'{trimmed}': {error}";
            return false;
        }

        var length = ascii.Length + (wildcard ? 2 : 0);
        if (length > MaxLength)
        {
            error = $"'{trimmed}': longer than {MaxLength} characters";
            return false;
        }

        specification = new DomainSpecification(ascii.ToLowerInvariant(), wildcard);
        return true;
    }

    /// <summary>
    /// <see cref="TryParse"/> without a string per entry: writes the normalised name (lower-case ASCII, no
    /// trailing dot, no <c>*.</c>) to <paramref name="destination"/>. Internationalised names take the
    /// string path. Returns the length written, or -1 with <paramref name="error"/> set.
    /// </summary>
    public static int TryNormalize(ReadOnlySpan<char> text, Span<byte> destination, out bool wildcard, out string? error)
    {
        wildcard = false;
        var trimmed = text.Trim();
        foreach (var c in trimmed)
        {
            if (c > 0x7F)
            {
                if (!TryParse(trimmed.ToString(), out var parsed, out error))
                {
                    return -1;
                }

                wildcard = parsed.IsWildcard;
                return Encoding.ASCII.GetBytes(parsed.Name, destination);
            }
        }

        if (trimmed.Length > 1 && trimmed[^1] == '.')
        {
            trimmed = trimmed[..^1];
        }

        if (trimmed.IsEmpty)
        {
            error = "empty domain";
            return -1;
        }

        if (trimmed[0] == '*')
        {
            if (trimmed.Length == 1)
            {
                wildcard = true;
                error = null;
                return 0;
            }

            if (trimmed[1] != '.')
            {
                error = $"'{trimmed}': a wildcard is '*' alone or '*.' followed by a domain";
                return -1;
            }

            wildcard = true;
            trimmed = trimmed[2..];
        }

        if (trimmed.Length + (wildcard ? 2 : 0) > MaxLength)
        {
            error = $"'{trimmed}': longer than {MaxLength} characters";
            return -1;
        }

        var labelLength = 0;
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    error = $"'{trimmed}': empty label";
                    return -1;
                }

                labelLength = 0;
                destination[i] = (byte)'.';
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                error = c == '*'
                    ? $"'{trimmed}': '*' is allowed only as the first label"
                    : $"'{trimmed}': character '{c}' is not allowed (letters, digits, hyphens and dots only)";
                return -1;
            }

            if (++labelLength > MaxLabelLength)
            {
                error = $"'{trimmed}': label longer than {MaxLabelLength} characters";
                return -1;
            }

            destination[i] = (byte)(c | (char.IsAsciiLetterUpper(c) ? 0x20 : 0));
        }

        if (labelLength == 0)
        {
            error = $"'{trimmed}': empty label";
            return -1;
        }

        error = null;
        return trimmed.Length;
    }

    private static bool IsAscii(string text)
    {
        foreach (var c in text)
        {
            if (c > 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryValidateLabels(string name, out string? error)
    {
        var labelLength = 0;
        foreach (var c in name)
        {
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    error = "empty label";
                    return false;
                }

                labelLength = 0;
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                error = c == '*'
                    ? "'*' is allowed only as the first label"
                    : $"character '{c}' is not allowed (letters, digits, hyphens and dots only)";
                return false;
            }

            if (++labelLength > MaxLabelLength)
            {
                error = $"label longer than {MaxLabelLength} characters";
                return false;
            }
        }

        if (labelLength == 0)
        {
            error = "empty label";
            return false;
        }

        error = null;
        return true;
    }
}
