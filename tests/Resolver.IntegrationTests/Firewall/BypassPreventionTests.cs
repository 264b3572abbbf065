using Resolver.Testing;

namespace Resolver.IntegrationTests.Firewall;

/// <summary>Keeping clients from taking DNS past the resolver: Firefox's DoH canary and the managed list of DoH services.</summary>
public sealed class BypassPreventionTests
{
    private const string Rules = """
        ruleGroups:
          - name: no-doh
            rules:
              - { name: block-doh, priority: 1, domainList: ResolverManagedPublicDoHProviders, action: BLOCK, blockResponse: NXDOMAIN }
        networks:
          - name: strict
            cidrs: [127.0.0.2/32]
            ruleGroupAssociations: [ { ruleGroup: no-doh, priority: 100 } ]
        """;

    [Fact]
    public async Task The_doh_canary_is_answered_nxdomain_by_default_without_asking_upstream()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        var canary = await resolver.DigAsync("use-application-dns.net");
        var canaryAaaa = await resolver.DigAsync("USE-application-DNS.net.", "AAAA");
        var below = await resolver.DigAsync("www.use-application-dns.net");

        Assert.Equal("NXDOMAIN", canary.Status);
        Assert.Equal("NXDOMAIN", canaryAaaa.Status);
        Assert.DoesNotContain(resolver.Upstream.Received, r => r.Name == "use-application-dns.net");
        Assert.Equal("NOERROR", below.Status);
        Assert.Equal(2, resolver.Server.Pipeline.Counters.DohCanaryAnswers);
    }

    [Fact]
    public async Task The_doh_canary_can_be_switched_off()
    {
        var config = Path.Combine(Path.GetTempPath(), $"resolver-canary-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, """{ "Resolver": { "BypassPrevention": { "DohCanary": false } } }""");
        try
        {
            await using var resolver = await FirewallResolver.StartAsync(Rules, configFile: config);

            var canary = await resolver.DigAsync("use-application-dns.net");

            Assert.Equal("NOERROR", canary.Status);
            Assert.Equal(["use-application-dns.net. 300 IN A 192.0.2.1"], canary.Answers);
            Assert.Contains(resolver.Upstream.Received, r => r.Name == "use-application-dns.net");
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData("dns.google", "127.0.0.2", "NXDOMAIN")]
    [InlineData("mozilla.cloudflare-dns.com", "127.0.0.2", "NXDOMAIN")]
    [InlineData("abc123.dns.nextdns.io", "127.0.0.2", "NXDOMAIN")]
    [InlineData("www.google.com", "127.0.0.2", "NOERROR")]
    [InlineData("dns.google", "127.0.0.1", "NOERROR")]
    public async Task A_rule_on_the_managed_doh_list_blocks_public_doh_services(string name, string source, string status)
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        var result = await resolver.DigAsync(name, "A", "-b", source);

        Assert.Equal(status, result.Status);
    }
}
