using System.Text.Json.Nodes;
using Resolver.IntegrationTests.Firewall;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Api;

/// <summary>
/// The members Debian's AWS CLI is too old to send (Qtype, FirewallDomainRedirectionAction), sent by
/// the AWS SDK for JavaScript v3 and checked through the wire with dig.
/// </summary>
public sealed class JsSdkTests
{
    private const string Rulesets = "domainLists: []\n";

    [Fact]
    public async Task A_rule_with_a_qtype_blocks_only_that_type_and_redirection_trust_is_honoured()
    {
        await using var resolver = await ApiResolver.StartAsync(Rulesets, request =>
            request.Name is "cdn.example" or "trusted.example" ? UpstreamReply.Send(FirewallRuleTests.ChainAnswer(request.Bytes, "tracker.example", [192, 0, 2, 66])) : null);
        var sdk = new JsSdk(resolver.ApiAddress);

        var listId = await CreateListAsync(sdk, "v6-and-trackers", "sdk-list", "tracker.example", "trusted.example");
        var groupId = (string)(await sdk.CallAsync("CreateFirewallRuleGroup", new JsonObject { ["Name"] = "sdk", ["CreatorRequestId"] = "sdk-group" }))["FirewallRuleGroup"]!["Id"]!;
        var trustedId = await CreateListAsync(sdk, "trusted", "sdk-trusted", "trusted.example");
        var trust = await sdk.CallAsync("CreateFirewallRule", new JsonObject
        {
            ["FirewallRuleGroupId"] = groupId, ["FirewallDomainListId"] = trustedId, ["Priority"] = 10, ["Action"] = "ALLOW",
            ["Name"] = "trust-redirects", ["CreatorRequestId"] = "sdk-rule-trust", ["FirewallDomainRedirectionAction"] = "TRUST_REDIRECTION_DOMAIN",
        });
        var v6 = await sdk.CallAsync("CreateFirewallRule", new JsonObject
        {
            ["FirewallRuleGroupId"] = groupId, ["FirewallDomainListId"] = listId, ["Priority"] = 20, ["Action"] = "BLOCK", ["BlockResponse"] = "NXDOMAIN",
            ["Name"] = "block-aaaa", ["CreatorRequestId"] = "sdk-rule-v6", ["Qtype"] = "AAAA",
        });
        var all = await sdk.CallAsync("CreateFirewallRule", new JsonObject
        {
            ["FirewallRuleGroupId"] = groupId, ["FirewallDomainListId"] = listId, ["Priority"] = 30, ["Action"] = "BLOCK", ["BlockResponse"] = "NODATA",
            ["Name"] = "block-rest", ["CreatorRequestId"] = "sdk-rule-rest",
        });
        await sdk.CallAsync("AssociateFirewallRuleGroup", new JsonObject
        {
            ["FirewallRuleGroupId"] = groupId, ["VpcId"] = "default", ["Priority"] = 101, ["Name"] = "sdk-default", ["CreatorRequestId"] = "sdk-assoc",
        });

        Assert.Equal("TRUST_REDIRECTION_DOMAIN", (string?)trust["FirewallRule"]!["FirewallDomainRedirectionAction"]);
        Assert.Equal("AAAA", (string?)v6["FirewallRule"]!["Qtype"]);
        Assert.Equal("INSPECT_REDIRECTION_DOMAIN", (string?)all["FirewallRule"]!["FirewallDomainRedirectionAction"]);
        var listed = await sdk.CallAsync("ListFirewallRules", new JsonObject { ["FirewallRuleGroupId"] = groupId });
        Assert.Equal("AAAA", (string?)listed["FirewallRules"]!.AsArray().Single(r => (string?)r!["Name"] == "block-aaaa")!["Qtype"]);
        Assert.Null(listed["FirewallRules"]!.AsArray().Single(r => (string?)r!["Name"] == "block-rest")!["Qtype"]);

        var aaaa = await resolver.DigAsync("tracker.example", "AAAA");
        var a = await resolver.DigAsync("tracker.example", "A");
        var inspected = await resolver.DigAsync("cdn.example");
        var trusted = await resolver.DigAsync("trusted.example");

        Assert.Equal("NXDOMAIN", aaaa.Status);
        Assert.Equal("NOERROR", a.Status);
        Assert.Empty(a.Answers);
        Assert.Equal("NOERROR", inspected.Status);
        Assert.Empty(inspected.Answers);
        Assert.Equal(["trusted.example. 300 IN CNAME tracker.example.", "tracker.example. 300 IN A 192.0.2.66"], trusted.Answers);

        await sdk.CallAsync("DeleteFirewallRule", new JsonObject { ["FirewallRuleGroupId"] = groupId, ["FirewallDomainListId"] = listId });
        var changed = await sdk.CallAsync("UpdateFirewallRule", new JsonObject
        {
            ["FirewallRuleGroupId"] = groupId, ["FirewallDomainListId"] = listId, ["Qtype"] = "A",
        });
        Assert.Equal("A", (string?)changed["FirewallRule"]!["Qtype"]);
        Assert.Equal("block-aaaa", (string?)changed["FirewallRule"]!["Name"]);
        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("tracker.example", "A")).Status);
        Assert.Equal("NOERROR", (await resolver.DigAsync("tracker.example", "AAAA")).Status);
    }

    [Fact]
    public async Task The_sdk_sees_validation_errors_in_aws_shape()
    {
        await using var resolver = await ApiResolver.StartAsync(Rulesets);
        var sdk = new JsSdk(resolver.ApiAddress);
        var listId = await CreateListAsync(sdk, "l", "sdk-l", "x.example");
        var groupId = (string)(await sdk.CallAsync("CreateFirewallRuleGroup", new JsonObject { ["Name"] = "g", ["CreatorRequestId"] = "sdk-g" }))["FirewallRuleGroup"]!["Id"]!;

        var badQtype = await sdk.FailAsync("CreateFirewallRule", new JsonObject
        {
            ["FirewallRuleGroupId"] = groupId, ["FirewallDomainListId"] = listId, ["Priority"] = 1, ["Action"] = "BLOCK", ["BlockResponse"] = "NODATA",
            ["Name"] = "r", ["CreatorRequestId"] = "sdk-r", ["Qtype"] = "NOT-A-TYPE",
        });
        var badTtl = await sdk.FailAsync("CreateFirewallRule", new JsonObject
        {
            ["FirewallRuleGroupId"] = groupId, ["FirewallDomainListId"] = listId, ["Priority"] = 2, ["Action"] = "BLOCK", ["BlockResponse"] = "OVERRIDE",
            ["BlockOverrideDomain"] = "garden.example", ["BlockOverrideDnsType"] = "CNAME", ["BlockOverrideTtl"] = 604801, ["Name"] = "r2", ["CreatorRequestId"] = "sdk-r2",
        });

        Assert.Equal("ValidationException", (string?)badQtype["error"]);
        Assert.Equal(400, (int?)badQtype["status"]);
        Assert.Equal("ValidationException", (string?)badTtl["error"]);
        var rules = await sdk.CallAsync("ListFirewallRules", new JsonObject { ["FirewallRuleGroupId"] = groupId });
        Assert.Empty(rules["FirewallRules"]!.AsArray());
    }

    private static async Task<string> CreateListAsync(JsSdk sdk, string name, string requestId, params string[] domains)
    {
        var id = (string)(await sdk.CallAsync("CreateFirewallDomainList", new JsonObject { ["Name"] = name, ["CreatorRequestId"] = requestId }))["FirewallDomainList"]!["Id"]!;
        await sdk.CallAsync("UpdateFirewallDomains", new JsonObject
        {
            ["FirewallDomainListId"] = id, ["Operation"] = "ADD", ["Domains"] = new JsonArray([.. domains.Select(d => JsonValue.Create(d))]),
        });
        return id;
    }
}
