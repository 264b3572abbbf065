namespace Resolver.IntegrationTests.Firewall;

/// <summary>How list entries are read, checked through the wire: IDN, trailing dots, bad lines skipped.</summary>
public sealed class DomainListEntryTests
{
    private const string Rules = """
        domainLists:
          - name: inline
            domains: ["bücher.example", "dotted.example.", "not valid.example", "kept.example"]
          - name: file
            file: lists/mixed.txt
        ruleGroups:
          - name: g
            rules:
              - { name: inline, priority: 1, domainList: inline, action: BLOCK, blockResponse: NXDOMAIN }
              - { name: file, priority: 2, domainList: file, action: BLOCK, blockResponse: NXDOMAIN }
        networks:
          - name: default
            ruleGroupAssociations: [ { ruleGroup: g, priority: 100 } ]
        """;

    private const string MixedFile = """
        # comment
        0.0.0.0 hosts-line.example
        bad_entry.example
        ||adblock-line.example^
        plain-line.example.
        """;

    [Theory]
    [InlineData("xn--bcher-kva.example", "NXDOMAIN")]
    [InlineData("dotted.example", "NXDOMAIN")]
    [InlineData("kept.example", "NXDOMAIN")]
    [InlineData("hosts-line.example", "NXDOMAIN")]
    [InlineData("sub.adblock-line.example", "NXDOMAIN")]
    [InlineData("plain-line.example", "NXDOMAIN")]
    [InlineData("other.example", "NOERROR")]
    public async Task Entries_are_normalised_and_bad_ones_skip_only_themselves(string name, string status)
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules, files: new Dictionary<string, string> { ["lists/mixed.txt"] = MixedFile });

        Assert.Equal(status, (await resolver.DigAsync(name)).Status);

        var warnings = resolver.State.LastDiagnostics.Where(d => !d.IsError).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.File.EndsWith("main.yaml", StringComparison.Ordinal) && w.Line == 3 && w.Message.Contains("not valid.example", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.File.EndsWith("mixed.txt", StringComparison.Ordinal) && w.Line == 3 && w.Message.Contains("bad_entry.example", StringComparison.Ordinal));
    }
}
