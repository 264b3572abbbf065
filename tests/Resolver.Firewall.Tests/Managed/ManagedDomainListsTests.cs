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
        var names = ManagedDomainLists.All.Select(l => l.Name).ToList();

        Assert.Equal(
            ["AWSManagedAggregateThreatList", "AWSManagedDomainsAmazonGuardDutyThreatList", "AWSManagedDomainsBotnetCommandandControl", "AWSManagedDomainsMalwareDomainList"],
            names);
        Assert.All(ManagedDomainLists.All, list =>
        {
            Assert.Equal(ManagedDomainLists.OwnerName, list.ManagedOwnerName);
            Assert.False(string.IsNullOrEmpty(list.Description));
            Assert.Contains("abuse.ch", list.Source, StringComparison.Ordinal);
            Assert.Contains(list.Domains, d => d.Name.StartsWith("controldomain1.", StringComparison.Ordinal) && d.Name.EndsWith(".us-east-1.amazonaws.com", StringComparison.Ordinal));
        });
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
