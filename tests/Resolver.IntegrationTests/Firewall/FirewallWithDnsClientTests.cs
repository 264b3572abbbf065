using DnsClient;
using DnsClient.Protocol;

namespace Resolver.IntegrationTests.Firewall;

/// <summary>Block answers as an independent DNS client library decodes them: rcode, flags, sections, TTLs.</summary>
public sealed class FirewallWithDnsClientTests
{
    private const string WalledGarden = """
        domainLists:
          - name: allowed
            domains: [corp.example, "*.corp.example"]
          - name: everything
            domains: ["*"]
          - name: redirected
            domains: [ads.example]
        ruleGroups:
          - name: garden
            rules:
              - { name: allow-corp, priority: 100, domainList: allowed, action: ALLOW }
              - { name: override-ads, priority: 150, domainList: redirected, action: BLOCK, blockResponse: OVERRIDE,
                  blockOverrideDomain: www.corp.example, blockOverrideDnsType: CNAME, blockOverrideTtl: 42 }
              - { name: block-rest, priority: 200, domainList: everything, action: BLOCK, blockResponse: NXDOMAIN }
        networks:
          - name: default
            ruleGroupAssociations: [ { ruleGroup: garden, priority: 100 } ]
        """;

    [Theory]
    [InlineData("corp.example", DnsHeaderResponseCode.NoError, 1)]
    [InlineData("mail.corp.example", DnsHeaderResponseCode.NoError, 1)]
    [InlineData("elsewhere.example", DnsHeaderResponseCode.NotExistentDomain, 0)]
    [InlineData("com", DnsHeaderResponseCode.NotExistentDomain, 0)]
    public async Task A_walled_garden_allows_its_names_and_star_blocks_every_other(string name, DnsHeaderResponseCode rcode, int answers)
    {
        await using var resolver = await FirewallResolver.StartAsync(WalledGarden);

        var response = await Client(resolver).QueryAsync(name, QueryType.A);

        Assert.Equal(rcode, response.Header.ResponseCode);
        Assert.Equal(answers, response.Answers.Count);
        Assert.True(response.Header.RecursionAvailable);
        Assert.True(response.Header.HasQuery);
        Assert.Equal(name + ".", response.Questions.Single().QueryName.Value);
        Assert.Empty(response.Authorities);
    }

    [Fact]
    public async Task Override_gives_the_cname_with_the_rule_ttl_and_the_allowed_target_records()
    {
        await using var resolver = await FirewallResolver.StartAsync(WalledGarden);

        var response = await Client(resolver).QueryAsync("ads.example", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NoError, response.Header.ResponseCode);
        var cname = Assert.Single(response.Answers.CnameRecords());
        Assert.Equal(("ads.example.", "www.corp.example.", 42), (cname.DomainName.Value, cname.CanonicalName.Value, cname.InitialTimeToLive));
        var address = Assert.Single(response.Answers.ARecords());
        Assert.Equal("www.corp.example.", address.DomainName.Value);
        Assert.Equal("192.0.2.1", address.Address.ToString());
    }

    private static LookupClient Client(FirewallResolver resolver) =>
        new(new LookupClientOptions(new NameServer(resolver.EndPoint))
        {
            UseCache = false,
            Retries = 0,
            Timeout = TimeSpan.FromSeconds(5),
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
        });
}
