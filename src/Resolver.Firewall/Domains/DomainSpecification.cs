using System.Globalization;

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
