using System.Net;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Matching;
using Resolver.Firewall.Model;

namespace Resolver.Firewall.Tests.Evaluation;

public sealed class EvaluationAllocationTests
{
    [Fact]
    public void Selecting_the_network_and_evaluating_a_name_allocate_nothing()
    {
        var lists = new[]
        {
            new DomainList("a", [Spec("x.example"), Spec("*.y.example")]),
            new DomainList("b", [Spec("*")]),
        };
        var group = new RuleGroup("g", [new FirewallRule("r1", 1, "a", FirewallAction.Block) { BlockResponse = BlockResponse.NxDomain, Qtype = 28 }, new FirewallRule("r2", 2, "b", FirewallAction.Alert)]);
        var firewall = CompiledFirewall.Compile(new FirewallDefinition(lists, [group], [new FirewallNetwork("n", [IPNetwork.Parse("10.0.0.0/8")], [new RuleGroupAssociation("g", 100)])]));
        var names = new[] { Wire("x.example"), Wire("a.b.y.example"), Wire("unlisted.example") };
        var client = IPAddress.Parse("10.1.2.3").MapToIPv6().GetAddressBytes();
        var matched = 0;
        for (var warmup = 0; warmup < 100; warmup++)
        {
            matched += Evaluate(firewall, client, names);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            matched += Evaluate(firewall, client, names);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_100 * 3, matched);
    }

    private static int Evaluate(CompiledFirewall firewall, byte[] client, byte[][] names)
    {
        var matched = 0;
        var network = firewall.SelectNetwork(client);
        foreach (var name in names)
        {
            matched += firewall.Evaluate(network, name, 1).Kind == FirewallVerdictKind.Matched ? 1 : 0;
        }

        return matched;
    }

    private static DomainSpecification Spec(string text) => DomainSpecification.TryParse(text, out var s, out _) ? s : throw new ArgumentException(text);

    private static byte[] Wire(string name)
    {
        var buffer = new byte[256];
        return buffer[..DomainIndexBuilder.Encode(name, buffer)];
    }
}
