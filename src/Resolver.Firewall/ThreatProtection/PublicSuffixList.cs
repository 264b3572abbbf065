using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// The Public Suffix List (publicsuffix.org): which names are registered under (<c>com</c>, <c>co.uk</c>,
/// <c>github.io</c>), so the threat scores look at the name someone registered rather than at a subdomain
/// or at the suffix every name shares.
/// </summary>
/// <remarks>
/// Rules are kept as 64-bit hashes of their wire form: a lookup hashes each suffix of the query name (at
/// most as many labels as the longest rule) and allocates nothing. A false match needs a 64-bit collision
/// between one of ~10,000 rules and a suffix, which we accept.
/// </remarks>
public sealed class PublicSuffixList
{
    public const string DefaultPath = "/usr/share/publicsuffix/public_suffix_list.dat";

    private const int MaxLabels = 128;

    private readonly Dictionary<ulong, RuleKind> _rules;
    private readonly int _maxRuleLabels;

    private PublicSuffixList(Dictionary<ulong, RuleKind> rules, int maxRuleLabels, bool isFallback, string source)
    {
        _rules = rules;
        _maxRuleLabels = maxRuleLabels;
        IsFallback = isFallback;
        Source = source;
    }

    [Flags]
    private enum RuleKind : byte
    {
        None = 0,
        Normal = 1,
        Wildcard = 2,
        Exception = 4,
        Private = 8,
    }

    /// <summary>True when no list file was found and the last label of a name is taken as its suffix.</summary>
    public bool IsFallback { get; }

    /// <summary>The file the rules came from, or "built-in".</summary>
    public string Source { get; }

    public int RuleCount => _rules.Count;

    public static PublicSuffixList Load(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Parse(reader, path);
    }

    /// <summary>The Debian package's list, else the built-in fallback (see <see cref="IsFallback"/>).</summary>
    public static PublicSuffixList LoadDefault() => File.Exists(DefaultPath) ? Load(DefaultPath) : Fallback();

    /// <summary>No rules: the implicit rule <c>*</c> makes the last label the suffix.</summary>
    public static PublicSuffixList Fallback() => new([], 1, isFallback: true, "built-in");

    internal static PublicSuffixList Parse(TextReader reader, string source)
    {
        var rules = new Dictionary<ulong, RuleKind>();
        var maxRuleLabels = 1;
        var inPrivate = false;
        var idn = new IdnMapping { AllowUnassigned = true };
        Span<byte> wire = stackalloc byte[256];
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.AsSpan().Trim();
            if (text.StartsWith("//", StringComparison.Ordinal))
            {
                if (text.Contains("===BEGIN PRIVATE DOMAINS===", StringComparison.Ordinal))
                {
                    inPrivate = true;
                }
                else if (text.Contains("===END PRIVATE DOMAINS===", StringComparison.Ordinal))
                {
                    inPrivate = false;
                }

                continue;
            }

            // The format reads a rule up to the first white space; the rest of the line is ignored.
            var end = text.IndexOfAny(' ', '\t');
            var rule = (end < 0 ? text : text[..end]).ToString();
            if (rule.Length == 0)
            {
                continue;
            }

            var kind = RuleKind.Normal;
            if (rule[0] == '!')
            {
                kind = RuleKind.Exception;
                rule = rule[1..];
            }
            else if (rule.StartsWith("*.", StringComparison.Ordinal))
            {
                kind = RuleKind.Wildcard;
                rule = rule[2..];
            }

            if (rule.Contains('*', StringComparison.Ordinal))
            {
                throw Bad(source, lineNumber, $"'*' may only be a whole leftmost label: '{line.Trim()}'");
            }

            if (kind == RuleKind.Exception && !rule.Contains('.', StringComparison.Ordinal))
            {
                throw Bad(source, lineNumber, $"an exception needs at least two labels: '{line.Trim()}'");
            }

            string ascii;
            try
            {
                ascii = idn.GetAscii(rule).ToLowerInvariant();
            }
            catch (ArgumentException e)
            {
                throw Bad(source, lineNumber, $"'{rule}' is not a valid domain name ({e.Message})");
            }

            var length = Encode(ascii, wire, out var labels);
            if (length < 0)
            {
                throw Bad(source, lineNumber, $"'{rule}' is not a valid domain name (empty or over-long label, or characters other than letters, digits, '-' and '_')");
            }

            var key = XxHash3.HashToUInt64(wire[..length]);
            rules[key] = (rules.GetValueOrDefault(key) & ~RuleKind.Private) | kind | (inPrivate ? RuleKind.Private : RuleKind.None);
            maxRuleLabels = Math.Max(maxRuleLabels, labels);
        }

        return new PublicSuffixList(rules, maxRuleLabels, isFallback: false, source);
    }

    /// <summary>
    /// Offset in <paramref name="lowerWireName"/> where the registrable domain (public suffix plus one label)
    /// starts; -1 when the name is a public suffix itself, shorter, or malformed.
    /// </summary>
    public int RegistrableDomainOffset(ReadOnlySpan<byte> lowerWireName) => Split(lowerWireName, out _);

    /// <summary>As <see cref="RegistrableDomainOffset"/>, also telling whether the suffix is a private-section rule.</summary>
    internal int Split(ReadOnlySpan<byte> name, out bool privateSuffix)
    {
        privateSuffix = false;
        Span<int> starts = stackalloc int[MaxLabels];
        var count = 0;
        var position = 0;
        while (true)
        {
            if (position >= name.Length)
            {
                return -1;
            }

            var length = name[position];
            if (length == 0)
            {
                break;
            }

            if (length > 63 || count == MaxLabels)
            {
                return -1;
            }

            starts[count++] = position;
            position += 1 + length;
        }

        var end = position + 1;
        var suffixLabels = 1;
        var limit = Math.Min(count, _maxRuleLabels);
        for (var k = 1; k <= limit; k++)
        {
            if (!_rules.TryGetValue(XxHash3.HashToUInt64(name[starts[count - k]..end]), out var kind))
            {
                continue;
            }

            var isPrivate = (kind & RuleKind.Private) != 0;
            if ((kind & RuleKind.Exception) != 0)
            {
                // An exception prevails over every other rule; its suffix is the rule minus its leftmost label.
                suffixLabels = k - 1;
                privateSuffix = isPrivate;
                break;
            }

            if ((kind & RuleKind.Normal) != 0 && k >= suffixLabels)
            {
                suffixLabels = k;
                privateSuffix = isPrivate;
            }

            if ((kind & RuleKind.Wildcard) != 0 && k < count && k + 1 >= suffixLabels)
            {
                suffixLabels = k + 1;
                privateSuffix = isPrivate;
            }
        }

        return count > suffixLabels ? starts[count - suffixLabels - 1] : -1;
    }

    private static int Encode(string name, Span<byte> destination, out int labels)
    {
        labels = 0;
        var position = 0;
        var labelStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length && name[i] != '.')
            {
                var c = name[i];
                if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_'))
                {
                    return -1;
                }

                continue;
            }

            var labelLength = i - labelStart;
            if (labelLength is 0 or > 63 || position + 1 + labelLength >= 255)
            {
                return -1;
            }

            destination[position++] = (byte)labelLength;
            for (var j = labelStart; j < i; j++)
            {
                destination[position++] = (byte)name[j];
            }

            labels++;
            labelStart = i + 1;
        }

        destination[position++] = 0;
        return position;
    }

    private static InvalidDataException Bad(string source, int line, string message) => new($"{source}:{line}: {message}");
}
