using System.Net;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Managed;
using Resolver.Firewall.Matching;

namespace Resolver.Firewall.Tests.Managed;

public sealed class ManagedDomainListsTests
{
    [Fact]
    public void The_four_aws_managed_lists_are_embedded_with_description_sources_and_test_domains()
    {
        var aws = ManagedDomainLists.All.Where(l => l.Name.StartsWith("AWS", StringComparison.Ordinal)).ToList();

        Assert.Equal(
            ["AWSManagedAggregateThreatList", "AWSManagedDomainsAmazonGuardDutyThreatList", "AWSManagedDomainsBotnetCommandandControl", "AWSManagedDomainsMalwareDomainList"],
            aws.Select(l => l.Name));
        Assert.All(aws, list =>
        {
            Assert.Equal(ManagedDomainLists.OwnerName, list.ManagedOwnerName);
            Assert.False(string.IsNullOrEmpty(list.Description));
            Assert.Contains("abuse.ch", list.Source, StringComparison.Ordinal);
            Assert.Contains(list.Domains, d => d.Name.StartsWith("controldomain1.", StringComparison.Ordinal) && d.Name.EndsWith(".us-east-1.amazonaws.com", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void The_resolvers_own_managed_lists_name_their_sources_and_cover_doh_services_and_mining_pools()
    {
        var doh = ManagedDomainLists.All.Single(l => l.Name == "ResolverManagedPublicDoHProviders");
        var pools = ManagedDomainLists.All.Single(l => l.Name == "ResolverManagedCryptoMiningPools");

        Assert.Equal(6, ManagedDomainLists.All.Count);
        Assert.Contains("github.com/curl/curl/wiki/DNS-over-HTTPS", doh.Source, StringComparison.Ordinal);
        Assert.Contains(doh.Domains, d => d.Name == "dns.google");
        Assert.Contains(doh.Domains, d => d.Name == "cloudflare-dns.com" && !d.IsWildcard);
        Assert.Contains("CoinBlockerLists", pools.Source, StringComparison.Ordinal);
        Assert.Contains(pools.Domains, d => d.Name == "nanopool.org" && d.IsWildcard);
    }

    [Theory]
    [InlineData("controldomain1.malwarelist.firewall.route53resolver.us-east-1.amazonaws.com", true)]
    [InlineData("controldomain3.botnetlist.firewall.route53resolver.eu-west-2.amazonaws.com", true)]
    [InlineData("controldomain2.aggregatelist.firewall.route53resolver.ap-southeast-2.amazonaws.com", true)]
    [InlineData("controldomain4.malwarelist.firewall.route53resolver.us-east-1.amazonaws.com", false)]
    [InlineData("controldomain1.otherlist.firewall.route53resolver.us-east-1.amazonaws.com", false)]
    [InlineData("controldomain1.malwarelist.firewall.route53resolver.us-east-1.amazonaws.org", false)]
    [InlineData("www.malwarelist.firewall.route53resolver.us-east-1.amazonaws.com", false)]
    [InlineData("controldomain1.malwarelist.firewall.route53resolver.amazonaws.com", false)]
    public void Test_domains_are_recognised_exactly(string name, bool expected)
    {
        var wire = new byte[256];
        var length = DomainIndexBuilder.Encode(name, wire);

        Assert.Equal(expected, ManagedTestDomains.IsTestDomain(wire.AsSpan(0, length)));
    }
}
