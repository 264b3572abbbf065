using System.Text;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Rulesets;

namespace Resolver.Fuzz.Targets;

/// <summary>
/// <see cref="DomainListParser.Parse"/> in every format, and <see cref="DomainSpecification"/> on each line: bad
/// lines become warnings with the file and their line, never exceptions; every name kept is normalised
/// (lower-case letters, digits, hyphens, non-empty labels of at most 63, at most 255 in all) and parses back to itself.
/// </summary>
public sealed class DomainListTarget : IFuzzTarget
{
    public const string FileName = "fuzz-list.txt";

    private static readonly string[] Tokens =
    [
        "0.0.0.0 ", "127.0.0.1\t", "::1 ", "::ffff:1.2.3.4 ", "1.2.3.4.5 ", "||", "^", "@@", "||*.", "*.", "*", ".", "..", "#", "!", "[Adblock Plus 2.0]",
        "localhost", "broadcasthost", "xn--", "xn--tda.example", "ü", "bücher.example", "\u00DF", "\u200D", "\uFFFD", "example.com", "-a-.example",
        "EXAMPLE.COM.", " ", "\t", "\r", "\n", new string('a', 63), new string('a', 64), new string('b', 250), "$third-party", "|", "/ads/*",
    ];

    public string Name => "domain-list";

    public string Description => "DomainListParser (plain, hosts, adblock, auto) and DomainSpecification";

    public InputKind Kind => InputKind.Text;

    public IReadOnlyList<string> Dictionary => Tokens;

    public ulong Execute(ReadOnlySpan<byte> input)
    {
        var text = TextInput.Decode(input);
        var lines = TextInput.LineCount(text);
        var outcome = new Outcome();
        foreach (var format in (ReadOnlySpan<DomainListFormat>)[DomainListFormat.Auto, DomainListFormat.Plain, DomainListFormat.Hosts, DomainListFormat.Adblock])
        {
            var diagnostics = new List<RulesetDiagnostic>();
            var domains = DomainListParser.Parse(new StringReader(text), format, FileName, diagnostics);
            foreach (var diagnostic in diagnostics)
            {
                FuzzInvariantException.Check(diagnostic.File == FileName, $"a diagnostic names another file: {diagnostic}");
                FuzzInvariantException.Check(diagnostic.Line >= 1 && diagnostic.Line <= lines, $"line {diagnostic.Line} of {lines}: {diagnostic}");
                FuzzInvariantException.Check(!diagnostic.IsError, $"a bad line must be a warning: {diagnostic}");
            }

            for (var i = 0; i < domains.Count; i++)
            {
                CheckNormalised(domains.NameBytes(i), domains.IsWildcard(i));
            }

            outcome.Add(TextInput.Bucket(domains.Count));
            outcome.Add(TextInput.Bucket(diagnostics.Count));
        }

        foreach (var line in text.Split('\n'))
        {
            if (DomainSpecification.TryParse(line, out var specification, out var error))
            {
                FuzzInvariantException.Check(error is null, "TryParse succeeded with an error");
                var again = DomainSpecification.TryParse(specification.ToString(), out var reparsed, out _);
                FuzzInvariantException.Check(again && reparsed == specification, $"'{specification}' does not parse back to itself");
            }
            else
            {
                FuzzInvariantException.Check(!string.IsNullOrEmpty(error), "TryParse failed without saying why");
            }
        }

        return outcome.Value;
    }

    private static void CheckNormalised(ReadOnlySpan<byte> name, bool wildcard)
    {
        FuzzInvariantException.Check(name.Length <= DomainSpecification.MaxLength, $"a name of {name.Length} bytes");
        FuzzInvariantException.Check(wildcard || name.Length > 0, "an empty name that is not the '*' wildcard");
        var label = 0;
        foreach (var c in name)
        {
            if (c == '.')
            {
                FuzzInvariantException.Check(label > 0, $"an empty label in '{Encoding.ASCII.GetString(name)}'");
                label = 0;
                continue;
            }

            FuzzInvariantException.Check(c is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-', $"byte {c} in '{Encoding.ASCII.GetString(name)}'");
            FuzzInvariantException.Check(++label <= 63, $"a label over 63 in '{Encoding.ASCII.GetString(name)}'");
        }

        FuzzInvariantException.Check(name.Length == 0 || label > 0, $"'{Encoding.ASCII.GetString(name)}' ends with a dot");
    }
}
