using System.Net;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Managed;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Tests.Rulesets;

public sealed class RulesetLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rulesets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_example_of_the_readme_loads_and_evaluates()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "lists"));
        File.WriteAllText(Path.Combine(_directory, "lists", "blocked.txt"), "0.0.0.0 tracker.example\n||ads.example^\n");
        File.WriteAllText(Path.Combine(_directory, "main.yaml"), """
            domainLists:
              - name: corp-allow
                domains: [intranet.example, "*.corp.example"]
              - name: blocked
                file: lists/blocked.txt
                format: auto
            ruleGroups:
              - name: security
                rules:
                  - { name: allow-corp, priority: 100, domainList: corp-allow, action: ALLOW }
                  - { name: block-malware, priority: 200, domainList: AWSManagedDomainsMalwareDomainList,
                      action: BLOCK, blockResponse: NXDOMAIN }
                  - { name: walled, priority: 300, domainList: blocked, action: BLOCK,
                      blockResponse: OVERRIDE, blockOverrideDomain: blocked.example.net,
                      blockOverrideDnsType: CNAME, blockOverrideTtl: 60, qtype: A,
                      firewallDomainRedirectionAction: TRUST_REDIRECTION_DOMAIN }
            networks:
              - name: default
                cidrs: [0.0.0.0/0, "::/0"]
                failOpen: false
                ruleGroupAssociations:
                  - { ruleGroup: security, priority: 101 }
            """);

        var result = RulesetLoader.Load(_directory);

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        var firewall = CompiledFirewall.Compile(result.Definition!);
        var client = IPAddress.Loopback;
        Assert.Equal("allow-corp", firewall.Evaluate(client, "x.corp.example", 1).Rule!.Rule.Name);
        var malware = firewall.Evaluate(client, "controldomain1.malwarelist.firewall.route53resolver.us-east-1.amazonaws.com", 1);
        Assert.Equal(BlockResponse.NxDomain, malware.Rule!.Rule.BlockResponse);
        var walled = firewall.Evaluate(client, "www.ads.example", 1).Rule!.Rule;
        Assert.Equal(("blocked.example.net", 60, RedirectionAction.TrustRedirectionDomain), (walled.BlockOverrideDomain, walled.BlockOverrideTtl, walled.Redirection));
        Assert.Equal(FirewallVerdictKind.NoMatch, firewall.Evaluate(client, "www.ads.example", 28).Kind);
        Assert.True(firewall.Evaluate(client, "tracker.example", 1).Blocks);
    }

    [Theory]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, domainList: nope, action: ALLOW }\n", 4, "domain list 'nope'")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, domainList: AWSManagedAggregateThreatList, action: BLOCK }\n", 4, "blockResponse")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: a, priority: 1, domainList: AWSManagedAggregateThreatList, action: ALERT }\n      - { name: b, priority: 1, domainList: AWSManagedAggregateThreatList, action: ALERT }\n", 5, "unique")]
    [InlineData("networks:\n  - name: default\n    ruleGroupAssociations:\n      - { ruleGroup: g, priority: 99 }\n", 4, "100 to 9900")]
    [InlineData("networks:\n  - name: lab\n    cidrs: [10.0.0.1/8]\n", 3, "CIDR")]
    [InlineData("domainLists:\n  - name: x\n    domians: [a.example]\n", 3, "unknown key 'domians'")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, domainList: AWSManagedAggregateThreatList, action: BLOCK, blockResponse: OVERRIDE, blockOverrideDomain: x.example, blockOverrideDnsType: CNAME, blockOverrideTtl: 604801 }\n", 4, "604800")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, domainList: AWSManagedAggregateThreatList, action: ALLOW, qtype: BOGUS }\n", 4, "qtype 'BOGUS'")]
    [InlineData("domainLists: [\n", 2, "not valid YAML")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, action: ALERT }\n", 4, "needs a domainList or a dnsThreatProtection")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, domainList: AWSManagedAggregateThreatList, dnsThreatProtection: DGA, confidenceThreshold: HIGH, action: ALERT }\n", 4, "one or the other")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, dnsThreatProtection: DGA, action: ALERT }\n", 4, "needs a confidenceThreshold")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, dnsThreatProtection: PHISHING, confidenceThreshold: LOW, action: ALERT }\n", 4, "DGA, DICTIONARY_DGA or DNS_TUNNELING")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, dnsThreatProtection: DGA,\n          confidenceThreshold: NONE, action: ALERT }\n", 5, "LOW, MEDIUM or HIGH")]
    [InlineData("ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 1, domainList: AWSManagedAggregateThreatList, confidenceThreshold: LOW, action: ALERT }\n", 4, "only to a dnsThreatProtection rule")]
    public void Errors_name_file_line_and_reason_and_reject_the_load(string yaml, int line, string reason)
    {
        File.WriteAllText(Path.Combine(_directory, "bad.yaml"), yaml);

        var result = RulesetLoader.Load(_directory);

        Assert.False(result.Succeeded);
        var error = result.Errors.First();
        Assert.EndsWith("bad.yaml", error.File, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_threat_protection_rule_loads_with_its_protection_and_threshold()
    {
        File.WriteAllText(Path.Combine(_directory, "advanced.yaml"), """
            ruleGroups:
              - name: advanced
                rules:
                  - { name: dga, priority: 10, dnsThreatProtection: DGA, confidenceThreshold: MEDIUM, action: BLOCK, blockResponse: NXDOMAIN }
                  - { name: words, priority: 20, dnsThreatProtection: DICTIONARY_DGA, confidenceThreshold: HIGH, action: ALERT }
                  - { name: tunnel, priority: 30, dnsThreatProtection: dns_tunneling, confidenceThreshold: low, action: BLOCK, blockResponse: NODATA, qtype: TXT }
            """);

        var result = RulesetLoader.Load(_directory);

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        var rules = result.Definition!.RuleGroups.Single(g => g.Name == "advanced").Rules;
        Assert.Equal(
            [(DnsThreatProtection.Dga, ThreatConfidence.Medium), (DnsThreatProtection.DictionaryDga, ThreatConfidence.High), (DnsThreatProtection.DnsTunneling, ThreatConfidence.Low)],
            rules.Select(r => (r.ThreatProtection!.Value, r.ConfidenceThreshold)));
        Assert.All(rules, r => Assert.Null(r.DomainListName));
        Assert.Equal((ushort)16, rules[2].Qtype);
    }

    [Fact]
    public void Invalid_list_entries_are_warnings_and_the_rest_of_the_list_loads()
    {
        File.WriteAllText(Path.Combine(_directory, "lists.yaml"), "domainLists:\n  - name: l\n    domains:\n      - ok.example\n      - not ok.example\n      - also-ok.example\n");

        var result = RulesetLoader.Load(_directory);

        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(5, warning.Line);
        Assert.False(warning.IsError);
        Assert.Equal(2, result.Definition!.DomainLists.Single(l => l.Name == "l").Domains.Count);
    }

    [Fact]
    public void Files_are_merged_and_references_cross_files()
    {
        File.WriteAllText(Path.Combine(_directory, "10-lists.yaml"), "domainLists:\n  - name: l\n    domains: [x.example]\n");
        File.WriteAllText(Path.Combine(_directory, "20-groups.yml"), "ruleGroups:\n  - name: g\n    rules:\n      - { name: r, priority: 5, domainList: l, action: BLOCK, blockResponse: NODATA }\nnetworks:\n  - name: default\n    ruleGroupAssociations: [ { ruleGroup: g, priority: 200 } ]\n");

        var result = RulesetLoader.Load(_directory);

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        Assert.True(CompiledFirewall.Compile(result.Definition!).Evaluate(IPAddress.Parse("203.0.113.9"), "X.Example.", 1).Blocks);
    }

    [Fact]
    public void A_file_of_another_kind_is_skipped_and_kind_Firewall_is_read()
    {
        File.WriteAllText(Path.Combine(_directory, "public-dns-services.yaml"), "kind: PublicDnsServices\nservices:\n  - provider: x\n");
        File.WriteAllText(Path.Combine(_directory, "lists.yaml"), "kind: Firewall\ndomainLists:\n  - name: l\n    domains: [x.example]\n");

        var result = RulesetLoader.Load(_directory);

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.Definition!.DomainLists, list => list.Name == "l");
    }

    [Fact]
    public void An_empty_folder_gives_the_managed_lists_and_no_rules()
    {
        var result = RulesetLoader.Load(_directory);

        Assert.True(result.Succeeded);
        Assert.Equal(ManagedDomainLists.All.Count, result.Definition!.DomainLists.Count);
        Assert.Empty(result.Definition.RuleGroups);
    }
}
