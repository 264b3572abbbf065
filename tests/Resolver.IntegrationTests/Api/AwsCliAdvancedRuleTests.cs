using Resolver.Testing;

namespace Resolver.IntegrationTests.Api;

/// <summary>DNS Firewall Advanced rules made with the AWS CLI v1, whose model has DnsThreatProtection, checked with dig.</summary>
public sealed class AwsCliAdvancedRuleTests
{
    [Fact]
    public async Task A_dga_rule_made_with_the_cli_blocks_generated_names_and_forwards_real_ones()
    {
        await using var resolver = await ApiResolver.StartAsync("domainLists: []\n");
        var aws = AwsCli.Version1(resolver.ApiAddress);
        var groupId = (string)(await aws.Route53ResolverAsync("create-firewall-rule-group", "--name", "advanced", "--creator-request-id", "adv-1"))["FirewallRuleGroup"]!["Id"]!;

        var rule = (await aws.Route53ResolverAsync(
            "create-firewall-rule", "--firewall-rule-group-id", groupId, "--priority", "10", "--action", "BLOCK", "--block-response", "NXDOMAIN",
            "--name", "dga", "--creator-request-id", "adv-2", "--dns-threat-protection", "DGA", "--confidence-threshold", "LOW"))["FirewallRule"]!;
        await aws.Route53ResolverAsync("associate-firewall-rule-group", "--firewall-rule-group-id", groupId, "--vpc-id", "default", "--priority", "101", "--name", "adv", "--creator-request-id", "adv-3");

        Assert.Equal("DGA", (string?)rule["DnsThreatProtection"]);
        Assert.StartsWith("rslvr-ftp-", (string?)rule["FirewallThreatProtectionId"], StringComparison.Ordinal);
        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("xjqvzkwpbtrmgh.com")).Status);
        Assert.Equal(["en.wikipedia.org. 300 IN A 192.0.2.1"], (await resolver.DigAsync("en.wikipedia.org")).Answers);

        await aws.Route53ResolverAsync("delete-firewall-rule", "--firewall-rule-group-id", groupId, "--firewall-threat-protection-id", (string)rule["FirewallThreatProtectionId"]!);
        Assert.Equal("NOERROR", (await resolver.DigAsync("xjqvzkwpbtrmgh.com")).Status);
    }
}
