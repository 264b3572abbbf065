using Resolver.Testing;

namespace Resolver.IntegrationTests.Firewall;

/// <summary>Rule groups apply per network (our VPCs), chosen by the client's address; dig picks its source with -b.</summary>
public sealed class NetworkAssociationTests
{
    private const string Rules = """
        domainLists:
          - name: l
            domains: [x.example]
        ruleGroups:
          - name: strict
            rules:
              - { name: nx, priority: 1, domainList: l, action: BLOCK, blockResponse: NXDOMAIN }
          - name: lenient
            rules:
              - { name: nodata, priority: 1, domainList: l, action: BLOCK, blockResponse: NODATA }
        networks:
          - name: lab
            cidrs: [127.0.0.2/32]
            ruleGroupAssociations: [ { ruleGroup: strict, priority: 100 } ]
          - name: wide
            cidrs: [127.0.0.0/8]
            ruleGroupAssociations: [ { ruleGroup: lenient, priority: 100 } ]
          - name: unfiltered
            cidrs: [127.0.0.3/32]
        """;

    [Theory]
    [InlineData("127.0.0.2", "NXDOMAIN", 0)]
    [InlineData("127.0.0.1", "NOERROR", 0)]
    [InlineData("127.0.0.3", "NOERROR", 1)]
    public async Task The_most_specific_network_of_the_client_decides(string source, string status, int answers)
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        var result = await resolver.DigAsync("x.example", "A", "-b", source);

        Assert.Equal(status, result.Status);
        Assert.Equal(answers, result.Answers.Count);
    }
}
