using System.Text.Json.Nodes;
using Resolver.Api.Protocol;

namespace Resolver.Api.Tests.Operations;

/// <summary>DNS Firewall Advanced rules through the API: DnsThreatProtection and ConfidenceThreshold instead of a list.</summary>
public sealed class ThreatProtectionRuleTests : IDisposable
{
    // A name of the Necurs-like family of the detector's tests (random letters, no words) and real services.
    private const string GeneratedName = "xjqvzkwpbtrmgh.com";
    private const string RealName = "en.wikipedia.org";

    private readonly ApiFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void An_advanced_rule_blocks_what_its_protection_scores_and_is_updated_and_deleted_by_its_id()
    {
        var groupId = CreateGroup("advanced", "t1");
        var created = Call("CreateFirewallRule", new
        {
            CreatorRequestId = "t2", FirewallRuleGroupId = groupId, Priority = 10, Action = "BLOCK", BlockResponse = "NXDOMAIN",
            Name = "dga", DnsThreatProtection = "DGA", ConfidenceThreshold = "LOW",
        })["FirewallRule"]!;
        Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "t3", FirewallRuleGroupId = groupId, VpcId = "default", Priority = 101, Name = "a" });

        var threatId = (string)created["FirewallThreatProtectionId"]!;
        Assert.StartsWith("rslvr-ftp-", threatId, StringComparison.Ordinal);
        Assert.Null(created["FirewallDomainListId"]);
        Assert.Equal(("DGA", "LOW"), ((string?)created["DnsThreatProtection"], (string?)created["ConfidenceThreshold"]));
        Assert.True(_fixture.Blocks(GeneratedName));
        Assert.False(_fixture.Blocks(RealName));
        var rule = _fixture.Firewall.Current.Evaluate(System.Net.IPAddress.Parse("192.0.2.1"), GeneratedName, 1).Rule!;
        Assert.Equal(("dga", (string?)null), (rule.Rule.Name, rule.DomainListId));

        var updated = Call("UpdateFirewallRule", new { FirewallRuleGroupId = groupId, FirewallThreatProtectionId = threatId, DnsThreatProtection = "DNS_TUNNELING", ConfidenceThreshold = "HIGH" })["FirewallRule"]!;
        Assert.Equal(("DNS_TUNNELING", "HIGH", threatId), ((string?)updated["DnsThreatProtection"], (string?)updated["ConfidenceThreshold"], (string?)updated["FirewallThreatProtectionId"]));
        Assert.False(_fixture.Blocks(GeneratedName), "one query of a name is no tunnel");

        _fixture.Restart();
        var listed = Call("ListFirewallRules", new { FirewallRuleGroupId = groupId })["FirewallRules"]!.AsArray().Single()!;
        Assert.Equal(("DNS_TUNNELING", "HIGH"), ((string?)listed["DnsThreatProtection"], (string?)listed["ConfidenceThreshold"]));

        Call("DeleteFirewallRule", new { FirewallRuleGroupId = groupId, FirewallThreatProtectionId = threatId });
        Assert.Empty(Call("ListFirewallRules", new { FirewallRuleGroupId = groupId })["FirewallRules"]!.AsArray());
        AssertError("ResourceNotFoundException", () => Call("DeleteFirewallRule", new { FirewallRuleGroupId = groupId, FirewallThreatProtectionId = threatId }));
    }

    [Fact]
    public void Advanced_rule_members_are_checked_as_the_service_documents()
    {
        var groupId = CreateGroup("g", "v1");
        var listId = (string)Call("CreateFirewallDomainList", new { CreatorRequestId = "v2", Name = "l" })["FirewallDomainList"]!["Id"]!;
        var basis = new JsonObject { ["FirewallRuleGroupId"] = groupId, ["Priority"] = 1, ["Action"] = "ALERT", ["Name"] = "r" };

        var both = AssertError("ValidationException", () => Call("CreateFirewallRule", With(basis, ("CreatorRequestId", "v3"), ("FirewallDomainListId", listId), ("DnsThreatProtection", "DGA"), ("ConfidenceThreshold", "LOW"))));
        var neither = AssertError("ValidationException", () => Call("CreateFirewallRule", With(basis, ("CreatorRequestId", "v4"))));
        var noThreshold = AssertError("ValidationException", () => Call("CreateFirewallRule", With(basis, ("CreatorRequestId", "v5"), ("DnsThreatProtection", "DGA"))));
        var badProtection = AssertError("ValidationException", () => Call("CreateFirewallRule", With(basis, ("CreatorRequestId", "v6"), ("DnsThreatProtection", "PHISHING"), ("ConfidenceThreshold", "LOW"))));
        var badThreshold = AssertError("ValidationException", () => Call("CreateFirewallRule", With(basis, ("CreatorRequestId", "v7"), ("DnsThreatProtection", "DGA"), ("ConfidenceThreshold", "NONE"))));
        Call("CreateFirewallRule", With(basis, ("CreatorRequestId", "v8"), ("FirewallDomainListId", listId)));
        var onListRule = AssertError("ValidationException", () => Call("UpdateFirewallRule", new { FirewallRuleGroupId = groupId, FirewallDomainListId = listId, ConfidenceThreshold = "LOW" }));

        Assert.Contains("can't be used together", both.Message, StringComparison.Ordinal);
        Assert.Contains("FirewallDomainListId or a DnsThreatProtection", neither.Message, StringComparison.Ordinal);
        Assert.Contains("ConfidenceThreshold is required", noThreshold.Message, StringComparison.Ordinal);
        Assert.Contains("PHISHING", badProtection.Message, StringComparison.Ordinal);
        Assert.Contains("NONE", badThreshold.Message, StringComparison.Ordinal);
        Assert.Contains("domain list", onListRule.Message, StringComparison.Ordinal);
        Assert.Single(Call("ListFirewallRules", new { FirewallRuleGroupId = groupId })["FirewallRules"]!.AsArray());
    }

    [Fact]
    public void An_advanced_rule_of_the_rulesets_files_is_listed_with_a_stable_id()
    {
        using var fixture = new ApiFixture(ApiFixture.Rulesets.Replace(
            "      - { name: file-rule,",
            "      - { name: file-dga, priority: 50, dnsThreatProtection: DICTIONARY_DGA, confidenceThreshold: MEDIUM, action: ALERT }\n      - { name: file-rule,",
            StringComparison.Ordinal));
        var groupId = (string)fixture.Call("ListFirewallRuleGroups", new { })["FirewallRuleGroups"]!.AsArray().Single(g => (string?)g!["Name"] == "file-group")!["Id"]!;

        var first = fixture.Call("ListFirewallRules", new { FirewallRuleGroupId = groupId })["FirewallRules"]!.AsArray().Single(r => (string?)r!["Name"] == "file-dga")!;
        fixture.Restart();
        var again = fixture.Call("ListFirewallRules", new { FirewallRuleGroupId = groupId })["FirewallRules"]!.AsArray().Single(r => (string?)r!["Name"] == "file-dga")!;

        Assert.Equal(("DICTIONARY_DGA", "MEDIUM", "ALERT"), ((string?)first["DnsThreatProtection"], (string?)first["ConfidenceThreshold"], (string?)first["Action"]));
        Assert.StartsWith("rslvr-ftp-", (string?)first["FirewallThreatProtectionId"], StringComparison.Ordinal);
        Assert.Equal((string?)first["FirewallThreatProtectionId"], (string?)again["FirewallThreatProtectionId"]);
        Assert.Null(first["FirewallDomainListId"]);
    }

    private static JsonObject With(JsonObject basis, params (string Key, string Value)[] members)
    {
        var body = basis.DeepClone().AsObject();
        foreach (var (key, value) in members)
        {
            body[key] = value;
        }

        return body;
    }

    private string CreateGroup(string name, string requestId) =>
        (string)Call("CreateFirewallRuleGroup", new { CreatorRequestId = requestId, Name = name })["FirewallRuleGroup"]!["Id"]!;

    private JsonObject Call(string operation, object body) => _fixture.Call(operation, body);

    private static ApiException AssertError(string type, Action call)
    {
        var error = Assert.Throws<ApiException>(call);
        Assert.Equal(type, error.ErrorType);
        return error;
    }
}
