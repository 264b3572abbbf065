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
        Span<byte> name = stackalloc byte[MaxLength];
        var length = TryNormalize(text, name, out var wildcard, out error);
        specification = length < 0 ? default : new DomainSpecification(Encoding.ASCII.GetString(name[..length]), wildcard);
        return length >= 0;
    }

    /// <summary>
    /// <see cref="TryParse"/> without a string per entry: writes the normalised name (lower-case ASCII, no
    /// trailing dot, no <c>*.</c>) to <paramref name="destination"/> (255 bytes suffice). Only an
    /// internationalised name makes a string, for its punycode. Returns the length, or -1 with
    /// <paramref name="error"/> set.
    /// </summary>
    public static int TryNormalize(ReadOnlySpan<char> text, Span<byte> destination, out bool wildcard, out string? error)
    {
        wildcard = false;
        var trimmed = text.Trim();
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

        if (!Ascii.IsValid(trimmed))
        {
            try
            {
                trimmed = Idn.GetAscii(trimmed.ToString());
            }
            catch (ArgumentException exception)
            {
                error = $"'{trimmed}': not a valid internationalised domain name ({exception.Message})";
                return -1;
            }
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

            destination[i] = (byte)char.ToLowerInvariant(c);
        }

        if (labelLength == 0)
        {
            error = $"'{trimmed}': empty label";
            return -1;
        }

        error = null;
        return trimmed.Length;
    }
}
