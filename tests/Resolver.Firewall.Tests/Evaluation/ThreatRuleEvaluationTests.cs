using System.Net;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Matching;
using Resolver.Firewall.Model;
using Resolver.Firewall.Tests.ThreatProtection;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Tests.Evaluation;

/// <summary>DNS Firewall Advanced rules inside the first-match evaluation order, next to list rules.</summary>
public sealed class ThreatRuleEvaluationTests
{
    private const ushort A = 1;
    private const ushort Txt = 16;
    private const string Generated = "xjqvzkwpbtrmgh.com";

    private static readonly IPAddress Client = IPAddress.Parse("10.1.2.3");

    [Fact]
    public void A_dga_rule_blocks_generated_names_and_lets_real_ones_through()
    {
        var firewall = Compile(
            new FirewallRule("dga", 10, null, FirewallAction.Block) { BlockResponse = BlockResponse.NxDomain, ThreatProtection = DnsThreatProtection.Dga, ConfidenceThreshold = ThreatConfidence.Medium });

        Assert.Equal("dga", firewall.Evaluate(Client, Generated, A).Rule?.Rule.Name);
        Assert.Equal(FirewallVerdictKind.NoMatch, firewall.Evaluate(Client, "en.wikipedia.org", A).Kind);
        Assert.Equal(FirewallVerdictKind.NoMatch, firewall.Evaluate(Client, "d1a2b3c4d5e6f7.cloudfront.net", A).Kind);
    }

    [Fact]
    public void First_match_holds_across_list_and_threat_rules()
    {
        var firewall = Compile(
            new FirewallRule("allow-known", 5, "known", FirewallAction.Allow),
            new FirewallRule("dga", 10, null, FirewallAction.Block) { BlockResponse = BlockResponse.NxDomain, ThreatProtection = DnsThreatProtection.Dga, ConfidenceThreshold = ThreatConfidence.Low },
            new FirewallRule("alert-all", 20, "everything", FirewallAction.Alert));

        Assert.Equal("allow-known", firewall.Evaluate(Client, "known-" + Generated, A).Rule?.Rule.Name);
        Assert.Equal("dga", firewall.Evaluate(Client, Generated, A).Rule?.Rule.Name);
        Assert.Equal("alert-all", firewall.Evaluate(Client, "www.example.com", A).Rule?.Rule.Name);
    }

    [Fact]
    public void A_threat_rule_limited_to_a_query_type_applies_to_that_type_only()
    {
        var firewall = Compile(
            new FirewallRule("dga-aaaa", 10, null, FirewallAction.Alert) { ThreatProtection = DnsThreatProtection.Dga, ConfidenceThreshold = ThreatConfidence.Low, Qtype = 28 });

        Assert.Equal(FirewallVerdictKind.NoMatch, firewall.Evaluate(Client, Generated, A).Kind);
        Assert.Equal(FirewallVerdictKind.Matched, firewall.Evaluate(Client, Generated, 28).Kind);
    }

    [Fact]
    public void Two_tunnelling_rules_see_each_query_once_and_the_stricter_one_fires_first_as_the_tunnel_grows()
    {
        var time = new ManualTimeProvider();
        var threats = new ThreatDetector(ThreatTestData.Suffixes, time: time);
        var firewall = Compile(
            threats,
            new FirewallRule("tunnel-high", 10, null, FirewallAction.Block) { BlockResponse = BlockResponse.NxDomain, ThreatProtection = DnsThreatProtection.DnsTunneling, ConfidenceThreshold = ThreatConfidence.High },
            new FirewallRule("tunnel-low", 20, null, FirewallAction.Alert) { ThreatProtection = DnsThreatProtection.DnsTunneling, ConfidenceThreshold = ThreatConfidence.Low });
        var reference = new ThreatDetector(ThreatTestData.Suffixes, time: time);
        var random = new Random(11);
        var firstLow = -1;
        var firstHigh = -1;
        for (var i = 0; i < 400; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            var name = $"{Base32(random, 56)}.{Base32(random, 40)}.t.tunnel-example.com";
            var verdict = firewall.Evaluate(Client, name, Txt);

            // A detector fed the same queries once each must agree with the firewall's rules at every step.
            var expected = reference.Score(DnsThreatProtection.DnsTunneling, ThreatTestData.Wire(name), Txt);
            var expectedRule = expected >= ThreatConfidence.High ? "tunnel-high" : expected >= ThreatConfidence.Low ? "tunnel-low" : null;
            Assert.Equal(expectedRule, verdict.Rule?.Rule.Name);
            firstLow = firstLow < 0 && verdict.Rule?.Rule.Name == "tunnel-low" ? i : firstLow;
            firstHigh = firstHigh < 0 && verdict.Rule?.Rule.Name == "tunnel-high" ? i : firstHigh;
        }

        Assert.InRange(firstLow, 0, 399);
        Assert.InRange(firstHigh, firstLow + 1, 399);
    }

    [Fact]
    public void Evaluating_threat_rules_allocates_nothing()
    {
        var firewall = Compile(
            new FirewallRule("dga", 10, null, FirewallAction.Alert) { ThreatProtection = DnsThreatProtection.Dga, ConfidenceThreshold = ThreatConfidence.Medium },
            new FirewallRule("words", 20, null, FirewallAction.Alert) { ThreatProtection = DnsThreatProtection.DictionaryDga, ConfidenceThreshold = ThreatConfidence.Medium },
            new FirewallRule("tunnel", 30, null, FirewallAction.Alert) { ThreatProtection = DnsThreatProtection.DnsTunneling, ConfidenceThreshold = ThreatConfidence.Medium });
        var names = new[] { ThreatTestData.Wire(Generated), ThreatTestData.Wire("www.example.com"), ThreatTestData.Wire("a1b2c3.tunnel-example.com") };
        var client = Client.MapToIPv6().GetAddressBytes();
        var network = firewall.SelectNetwork(client);
        for (var warmup = 0; warmup < 1000; warmup++)
        {
            foreach (var name in names)
            {
                firewall.Evaluate(network, name, A);
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            foreach (var name in names)
            {
                firewall.Evaluate(network, name, A);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static CompiledFirewall Compile(params FirewallRule[] rules) => Compile(null, rules);

    private static CompiledFirewall Compile(ThreatDetector? threats, params FirewallRule[] rules)
    {
        var lists = new[]
        {
            new DomainList("known", [Spec("known-" + Generated)]),
            new DomainList("everything", [Spec("*")]),
        };
        var group = new RuleGroup("g", rules);
        var network = new FirewallNetwork("n", [IPNetwork.Parse("10.0.0.0/8")], [new RuleGroupAssociation("g", 100)]);
        return CompiledFirewall.Compile([DomainListSegment.Build(lists)], [group], [network], threats);
    }

    private static DomainSpecification Spec(string text) => DomainSpecification.TryParse(text, out var s, out _) ? s : throw new ArgumentException(text);

    private static string Base32(Random random, int length) =>
        string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = "abcdefghijklmnopqrstuvwxyz234567"[r.Next(32)];
            }
        });
}
