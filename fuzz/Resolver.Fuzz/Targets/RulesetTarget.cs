using System.Net;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Rulesets;

namespace Resolver.Fuzz.Targets;

/// <summary>
/// <see cref="RulesetLoader.LoadText"/>: YAML in, diagnostics out, never an exception. Every diagnostic names a
/// file and a line within it; a load succeeds exactly when no diagnostic is an error; what succeeds compiles
/// and evaluates. List files named by <c>file:</c> resolve in a folder of the harness's own.
/// </summary>
public sealed class RulesetTarget : IFuzzTarget
{
    public const string FileName = "fuzz.yaml";

    private static readonly string[] Tokens =
    [
        "domainLists:", "ruleGroups:", "networks:", "kind: Firewall", "kind: PublicDnsServices", "- name: a", "name:", "domains:",
        "file: lists/blocked.txt", "file: lists", "file: missing.txt", "format: hosts", "format: adblock", "format: plain", "format: auto",
        "url: https://lists.example/block.txt", "url: ftp://x", "refreshInterval: 1h", "refreshInterval: 0s", "refreshInterval: 1e308d",
        "description: x", "rules:", "priority: 1", "priority: -1", "priority: 2147483648", "domainList: a", "action: BLOCK", "action: ALLOW",
        "action: ALERT", "blockResponse: NXDOMAIN", "blockResponse: NODATA", "blockResponse: OVERRIDE", "blockOverrideDomain: x.example",
        "blockOverrideDnsType: CNAME", "blockOverrideTtl: 60", "qtype: A", "qtype: TYPE65535", "qtype: TYPE99999",
        "firewallDomainRedirectionAction: INSPECT_REDIRECTION_DOMAIN", "dnsThreatProtection: DGA", "dnsThreatProtection: DNS_TUNNELING",
        "confidenceThreshold: LOW", "confidenceThreshold: NONE", "cidrs:", "cidrs: [10.0.0.0/8, \"::/0\"]", "10.0.0.1/8", "failOpen: true",
        "ruleGroupAssociations:", "ruleGroup: g", "mutationProtection: ENABLED", "- ", ": ", "? ", "{", "}", "[", "]", ",", "\"", "'", "|",
        ">", "&a ", "*a", "<<: *a", "!!str ", "!!binary ", "!custom ", "---", "...", "%YAML 1.2", "#", "\t", "  ", "\n", "~", "null", "1",
        "0x10", "\"*.example.com\"", "\"*\"", "ü.example", "-", "1.5", "[[[[[[[[", "{a: {b: {c: ", "\uFEFF",
    ];

    private readonly string _baseDirectory;

    public RulesetTarget()
    {
        _baseDirectory = Path.Combine(Path.GetTempPath(), "resolver-fuzz-rulesets");
        Directory.CreateDirectory(Path.Combine(_baseDirectory, "lists"));
        File.WriteAllText(Path.Combine(_baseDirectory, "lists", "blocked.txt"), "0.0.0.0 tracker.example\n||ads.example^\nplain.example\n*.wild.example\nbad..name\n");
    }

    public string Name => "ruleset";

    public string Description => "RulesetLoader.LoadText: diagnostics with file and line, never an exception";

    public InputKind Kind => InputKind.Text;

    public IReadOnlyList<string> Dictionary => Tokens;

    public ulong Execute(ReadOnlySpan<byte> input)
    {
        var yaml = TextInput.Decode(input);
        var lines = TextInput.MaxLine(yaml);
        var result = RulesetLoader.LoadText(yaml, FileName, _baseDirectory);
        var outcome = new Outcome();
        var errors = 0;
        foreach (var diagnostic in result.Diagnostics)
        {
            FuzzInvariantException.Check(!string.IsNullOrEmpty(diagnostic.File), $"a diagnostic without a file: {diagnostic}");
            FuzzInvariantException.Check(!string.IsNullOrWhiteSpace(diagnostic.Message), $"a diagnostic without a message: {diagnostic}");
            FuzzInvariantException.Check(diagnostic.Line >= 0, $"a negative line: {diagnostic}");
            if (diagnostic.File == FileName)
            {
                FuzzInvariantException.Check(diagnostic.Line <= lines, $"line {diagnostic.Line} of a {lines}-line file: {diagnostic}");
            }

            errors += diagnostic.IsError ? 1 : 0;
            outcome.Add(Shape(diagnostic.Message));
        }

        FuzzInvariantException.Check(result.Succeeded == (errors == 0), $"Succeeded is {result.Succeeded} with {errors} errors");
        if (result.Definition is { } definition)
        {
            var firewall = CompiledFirewall.Compile(definition);
            foreach (var name in (ReadOnlySpan<string>)["tracker.example", "a.ads.example", "x.example", "ü.example"])
            {
                var verdict = firewall.Evaluate(IPAddress.Loopback, name, 1);
                outcome.Add((int)verdict.Kind);
            }

            outcome.Add(definition.DomainLists.Count);
            outcome.Add(definition.RuleGroups.Count);
            outcome.Add(definition.Networks.Count);
        }

        return outcome.Value;
    }

    /// <summary>A message without its quoted parts, so that "unknown key 'x'" and "unknown key 'y'" are one outcome.</summary>
    private static string Shape(string message)
    {
        var quote = message.IndexOf('\'', StringComparison.Ordinal);
        return quote < 0 ? message : message[..quote];
    }
}
