using System.Net;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Model;

namespace Resolver.Firewall.Tests.Evaluation;

public sealed class CompiledFirewallTests
{
    private const ushort A = 1;
    private const ushort Aaaa = 28;
    private const ushort Txt = 16;
    private static readonly IPAddress Client = IPAddress.Parse("10.0.0.5");

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("EXAMPLE.com.", true)]
    [InlineData("www.example.com", false)]
    [InlineData("notexample.com", false)]
    [InlineData("com", false)]
    public void Exact_entry_matches_only_that_name(string query, bool blocked)
    {
        var firewall = Build(Lists(("l", ["example.com"])), Rule("r", 100, "l", FirewallAction.Block));

        Assert.Equal(blocked, firewall.Evaluate(Client, query, A).Blocks);
    }

    [Theory]
    [InlineData("example.com", false)]
    [InlineData("www.example.com", true)]
    [InlineData("a.b.c.Example.Com", true)]
    [InlineData("badexample.com", false)]
    public void Wildcard_matches_every_name_below_but_not_the_apex(string query, bool blocked)
    {
        var firewall = Build(Lists(("l", ["*.example.com"])), Rule("r", 100, "l", FirewallAction.Block));

        Assert.Equal(blocked, firewall.Evaluate(Client, query, A).Blocks);
    }

    [Theory]
    [InlineData("anything.test")]
    [InlineData("com")]
    [InlineData("a.very.deep.name.example")]
    public void Star_alone_matches_every_name(string query)
    {
        var firewall = Build(Lists(("all", ["*"])), Rule("r", 100, "all", FirewallAction.Block));

        Assert.True(firewall.Evaluate(Client, query, A).Blocks);
    }

    [Fact]
    public void Walled_garden_allows_listed_names_and_blocks_the_rest()
    {
        var firewall = Build(
            Lists(("allowed", ["corp.example", "*.corp.example"]), ("all", ["*"])),
            Rule("allow", 100, "allowed", FirewallAction.Allow),
            Rule("block", 200, "all", FirewallAction.Block));

        var allowed = firewall.Evaluate(Client, "www.corp.example", A);
        Assert.Equal(FirewallVerdictKind.Matched, allowed.Kind);
        Assert.Equal("allow", allowed.Rule!.Rule.Name);
        Assert.False(allowed.Blocks);
        Assert.True(firewall.Evaluate(Client, "elsewhere.example", A).Blocks);
    }

    [Fact]
    public void First_match_wins_by_rule_priority_not_by_declaration_order()
    {
        var firewall = Build(
            Lists(("a", ["x.example"]), ("b", ["*.example"])),
            Rule("block-late", 300, "b", FirewallAction.Block),
            Rule("alert-early", 200, "a", FirewallAction.Alert));

        var verdict = firewall.Evaluate(Client, "x.example", A);

        Assert.Equal("alert-early", verdict.Rule!.Rule.Name);
        Assert.False(verdict.Blocks);
        Assert.True(firewall.Evaluate(Client, "y.example", A).Blocks);
    }

    [Fact]
    public void Groups_run_in_association_priority_order()
    {
        var lists = Lists(("l", ["x.example"]));
        var groups = new[]
        {
            new RuleGroup("blockers", [Rule("block", 100, "l", FirewallAction.Block)]),
            new RuleGroup("allowers", [Rule("allow", 9000, "l", FirewallAction.Allow)]),
        };
        var network = new FirewallNetwork("default", [], [new RuleGroupAssociation("blockers", 500), new RuleGroupAssociation("allowers", 200)]);

        var verdict = CompiledFirewall.Compile(new FirewallDefinition(lists, groups, [network])).Evaluate(Client, "x.example", A);

        Assert.Equal("allow", verdict.Rule!.Rule.Name);
        Assert.Equal("allowers", verdict.Rule.Group.Name);
    }

    [Fact]
    public void Qtype_filter_limits_a_rule_to_its_type()
    {
        var firewall = Build(
            Lists(("l", ["x.example"])),
            Rule("block-aaaa", 100, "l", FirewallAction.Block) with { Qtype = Aaaa },
            Rule("alert-rest", 200, "l", FirewallAction.Alert));

        Assert.True(firewall.Evaluate(Client, "x.example", Aaaa).Blocks);
        var verdict = firewall.Evaluate(Client, "x.example", Txt);
        Assert.Equal("alert-rest", verdict.Rule!.Rule.Name);
    }

    [Fact]
    public void Networks_select_by_the_most_specific_range()
    {
        var lists = Lists(("l", ["x.example"]));
        var groups = new[] { new RuleGroup("g", [Rule("block", 100, "l", FirewallAction.Block)]) };
        var networks = new[]
        {
            new FirewallNetwork("wide", [IPNetwork.Parse("10.0.0.0/8")], [new RuleGroupAssociation("g", 100)]),
            new FirewallNetwork("lab", [IPNetwork.Parse("10.1.0.0/16")], []),
            new FirewallNetwork("v6", [IPNetwork.Parse("fd00::/8")], [new RuleGroupAssociation("g", 100)]),
        };
        var firewall = CompiledFirewall.Compile(new FirewallDefinition(lists, groups, networks));

        Assert.True(firewall.Evaluate(IPAddress.Parse("10.2.3.4"), "x.example", A).Blocks);
        Assert.Equal(FirewallVerdictKind.NotFiltered, firewall.Evaluate(IPAddress.Parse("10.1.3.4"), "x.example", A).Kind);
        Assert.True(firewall.Evaluate(IPAddress.Parse("fd12::1"), "x.example", A).Blocks);
        var outside = firewall.Evaluate(IPAddress.Parse("192.0.2.1"), "x.example", A);
        Assert.Equal(FirewallVerdictKind.NotFiltered, outside.Kind);
        Assert.Equal("default", outside.Network.Network.Name);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void A_failed_list_makes_the_network_fail_closed_or_open(bool failOpen, bool blocks)
    {
        var lists = new[] { new DomainList("remote", []) { LoadFailure = "connection refused" }, new DomainList("ok", Parse("a.example")) };
        var groups = new[] { new RuleGroup("g", [Rule("r1", 100, "ok", FirewallAction.Allow), Rule("r2", 200, "remote", FirewallAction.Block)]) };
        var network = new FirewallNetwork("default", [], [new RuleGroupAssociation("g", 100)]) { FailOpen = failOpen };

        var verdict = CompiledFirewall.Compile(new FirewallDefinition(lists, groups, [network])).Evaluate(Client, "a.example", A);

        Assert.Equal(FirewallVerdictKind.Unevaluable, verdict.Kind);
        Assert.Equal(blocks, verdict.Blocks);
        Assert.Contains("connection refused", verdict.Network.UnevaluableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Redirection_inspection_follows_the_matching_rule()
    {
        var firewall = Build(
            Lists(("trusted", ["cdn-front.example"]), ("inspected", ["www.example"])),
            Rule("trust", 100, "trusted", FirewallAction.Allow) with { Redirection = RedirectionAction.TrustRedirectionDomain },
            Rule("inspect", 200, "inspected", FirewallAction.Allow));

        Assert.False(firewall.Evaluate(Client, "cdn-front.example", A).InspectsRedirection);
        Assert.True(firewall.Evaluate(Client, "www.example", A).InspectsRedirection);
        Assert.True(firewall.Evaluate(Client, "unlisted.example", A).InspectsRedirection);
    }

    [Fact]
    public void Lookup_cost_does_not_depend_on_list_size_but_results_stay_exact()
    {
        var many = new List<string>();
        for (var i = 0; i < 50_000; i++)
        {
            many.Add($"host{i}.bulk.example");
        }

        var firewall = Build(Lists(("bulk", [.. many]), ("other", ["*.host7.bulk.example"])), Rule("r", 100, "bulk", FirewallAction.Block), Rule("o", 200, "other", FirewallAction.Alert));

        Assert.True(firewall.Evaluate(Client, "host49999.bulk.example", A).Blocks);
        Assert.False(firewall.Evaluate(Client, "host50000.bulk.example", A).Blocks);
        Assert.Equal("o", firewall.Evaluate(Client, "a.host7.bulk.example", A).Rule!.Rule.Name);
        Assert.Equal(50_000, firewall.IndexedNames); // "*.host7" shares the entry of "host7"
    }

    private static CompiledFirewall Build(IReadOnlyList<DomainList> lists, params FirewallRule[] rules) =>
        CompiledFirewall.Compile(new FirewallDefinition(
            lists,
            [new RuleGroup("group", rules)],
            [new FirewallNetwork("default", [], [new RuleGroupAssociation("group", 101)])]));

    private static DomainList[] Lists(params (string Name, string[] Domains)[] lists) =>
        [.. lists.Select(l => new DomainList(l.Name, Parse(l.Domains)))];

    private static DomainSpecification[] Parse(params string[] domains) =>
        [.. domains.Select(d => DomainSpecification.TryParse(d, out var s, out var e) ? s : throw new ArgumentException(e))];

    private static FirewallRule Rule(string name, int priority, string list, FirewallAction action) =>
        new(name, priority, list, action) { BlockResponse = action == FirewallAction.Block ? BlockResponse.NoData : null };
}
