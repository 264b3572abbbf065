using System.Text.Json.Nodes;
using Resolver.Api.Protocol;

namespace Resolver.Api.Tests.Operations;

public sealed class FirewallApiTests : IDisposable
{
    private readonly ApiFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void A_list_a_rule_and_an_association_made_through_the_api_block_at_once_and_a_removal_unblocks()
    {
        var listId = CreateList("bad", "r1");
        Call("UpdateFirewallDomains", new { FirewallDomainListId = listId, Operation = "ADD", Domains = new[] { "Evil.Example.", "*.worse.example" } });
        var groupId = CreateGroup("g", "r2");
        Call("CreateFirewallRule", new { CreatorRequestId = "r3", FirewallRuleGroupId = groupId, FirewallDomainListId = listId, Priority = 10, Action = "BLOCK", BlockResponse = "NXDOMAIN", Name = "blk" });
        Assert.False(_fixture.Blocks("evil.example"));

        Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "r4", FirewallRuleGroupId = groupId, VpcId = "default", Priority = 101, Name = "a" });

        Assert.True(_fixture.Blocks("evil.example"));
        Assert.True(_fixture.Blocks("a.b.worse.example"));
        Assert.False(_fixture.Blocks("worse.example"));
        Assert.True(_fixture.Blocks("file.example"), "the rulesets file's rule still applies");
        var rule = _fixture.Firewall.Current.Evaluate(System.Net.IPAddress.Parse("192.0.2.1"), "evil.example", 1).Rule!;
        Assert.Equal(listId, rule.DomainListId);
        Assert.Equal(groupId, rule.RuleGroupId);

        var answer = Call("UpdateFirewallDomains", new { FirewallDomainListId = listId, Operation = "REMOVE", Domains = new[] { "evil.example" } });

        Assert.Equal("UPDATING", (string?)answer["Status"]);
        Assert.False(_fixture.Blocks("evil.example"));
        Assert.Equal("COMPLETE", (string?)Call("GetFirewallDomainList", new { FirewallDomainListId = listId })["FirewallDomainList"]!["Status"]);
    }

    [Fact]
    public void Everything_made_survives_a_restart_and_still_applies()
    {
        var listId = CreateList("bad", "r1");
        Call("UpdateFirewallDomains", new { FirewallDomainListId = listId, Operation = "REPLACE", Domains = new[] { "evil.example" } });
        var groupId = CreateGroup("g", "r2");
        Call("CreateFirewallRule", new { CreatorRequestId = "r3", FirewallRuleGroupId = groupId, FirewallDomainListId = listId, Priority = 10, Action = "BLOCK", BlockResponse = "NODATA", Name = "blk", Qtype = "aaaa" });
        Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "r4", FirewallRuleGroupId = groupId, VpcId = "default", Priority = 101, Name = "a", MutationProtection = "ENABLED" });
        Call("UpdateFirewallConfig", new { ResourceId = "default", FirewallFailOpen = "ENABLED" });

        _fixture.Restart();

        Assert.True(_fixture.Blocks("evil.example", qtype: 28));
        Assert.False(_fixture.Blocks("evil.example", qtype: 1));
        var list = Call("GetFirewallDomainList", new { FirewallDomainListId = listId })["FirewallDomainList"]!;
        Assert.Equal(1, (int?)list["DomainCount"]);
        var rules = Call("ListFirewallRules", new { FirewallRuleGroupId = groupId })["FirewallRules"]!.AsArray();
        Assert.Equal("AAAA", (string?)rules.Single()!["Qtype"]);
        var associations = Call("ListFirewallRuleGroupAssociations", new { VpcId = "default" })["FirewallRuleGroupAssociations"]!.AsArray();
        Assert.Contains(associations, a => (string?)a!["FirewallRuleGroupId"] == groupId && (string?)a["MutationProtection"] == "ENABLED");
        Assert.Equal("ENABLED", (string?)Call("GetFirewallConfig", new { ResourceId = "default" })["FirewallConfig"]!["FirewallFailOpen"]);
    }

    [Fact]
    public void A_creator_request_id_seen_before_returns_the_first_resource_instead_of_a_second()
    {
        var first = CreateList("one", "same");
        var second = CreateList("other-name", "same");

        Assert.Equal(first, second);
        Assert.Single(Call("ListFirewallDomainLists", new { })["FirewallDomainLists"]!.AsArray(), l => (string?)l!["CreatorRequestId"] == "same");
    }

    [Fact]
    public void Rulesets_resources_are_listed_and_read_only()
    {
        var lists = Call("ListFirewallDomainLists", new { })["FirewallDomainLists"]!.AsArray();
        var fileList = lists.Single(l => (string?)l!["Name"] == "file-list")!;
        var managed = lists.Single(l => (string?)l!["Name"] == "AWSManagedDomainsMalwareDomainList")!;
        Assert.Equal("Route 53 Resolver DNS Firewall", (string?)managed["ManagedOwnerName"]);
        var groups = Call("ListFirewallRuleGroups", new { })["FirewallRuleGroups"]!.AsArray();
        var fileGroup = (string)groups.Single(g => (string?)g!["Name"] == "file-group")!["Id"]!;
        var fileRules = Call("ListFirewallRules", new { FirewallRuleGroupId = fileGroup })["FirewallRules"]!.AsArray();
        Assert.Equal((string?)fileList["Id"], (string?)fileRules.Single()!["FirewallDomainListId"]);
        Assert.Equal("NODATA", (string?)fileRules.Single()!["BlockResponse"]);

        AssertError("AccessDeniedException", () => Call("UpdateFirewallDomains", new { FirewallDomainListId = (string)managed["Id"]!, Operation = "ADD", Domains = new[] { "x.example" } }));
        AssertError("AccessDeniedException", () => Call("DeleteFirewallDomainList", new { FirewallDomainListId = (string)fileList["Id"]! }));
        AssertError("AccessDeniedException", () => Call("CreateFirewallRule", new { CreatorRequestId = "r", FirewallRuleGroupId = fileGroup, FirewallDomainListId = (string)fileList["Id"]!, Priority = 1, Action = "ALLOW", Name = "n" }));
        Assert.Equal(1, (int?)Call("GetFirewallDomainList", new { FirewallDomainListId = (string)fileList["Id"]! })["FirewallDomainList"]!["DomainCount"]);
    }

    [Fact]
    public void An_api_rule_can_use_a_rulesets_list_and_an_api_group_can_sit_beside_a_file_association()
    {
        var fileList = (string)Call("ListFirewallDomainLists", new { })["FirewallDomainLists"]!.AsArray().Single(l => (string?)l!["Name"] == "file-list")!["Id"]!;
        var groupId = CreateGroup("allow-first", "r1");
        Call("CreateFirewallRule", new { CreatorRequestId = "r2", FirewallRuleGroupId = groupId, FirewallDomainListId = fileList, Priority = 1, Action = "ALLOW", Name = "allow" });
        Assert.True(_fixture.Blocks("file.example"));

        // Priority 150 runs before the file's association at 200: its ALLOW shadows the file's BLOCK.
        Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "r3", FirewallRuleGroupId = groupId, VpcId = "default", Priority = 150, Name = "a" });

        Assert.False(_fixture.Blocks("file.example"));
        AssertError("ConflictException", () => Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "r4", FirewallRuleGroupId = CreateGroup("other", "r5"), VpcId = "default", Priority = 200, Name = "b" }));
    }

    [Theory]
    [InlineData(50)]
    [InlineData(9901)]
    public void Association_priorities_outside_100_to_9900_are_refused(int priority)
    {
        var groupId = CreateGroup("g", "r1");

        var error = AssertError("ValidationException", () => Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "r2", FirewallRuleGroupId = groupId, VpcId = "default", Priority = priority, Name = "a" }));

        Assert.Contains("priority", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_members_are_checked_as_the_service_documents()
    {
        var listId = CreateList("l", "r1");
        var groupId = CreateGroup("g", "r2");
        JsonObject Rule(string id, object extra) => Merge(new { CreatorRequestId = id, FirewallRuleGroupId = groupId, FirewallDomainListId = listId, Priority = 5, Name = "n" }, extra);

        AssertError("ValidationException", () => Call("CreateFirewallRule", Rule("a", new { Action = "BLOCK" })));
        AssertError("ValidationException", () => Call("CreateFirewallRule", Rule("b", new { Action = "ALLOW", BlockResponse = "NODATA" })));
        AssertError("ValidationException", () => Call("CreateFirewallRule", Rule("c", new { Action = "BLOCK", BlockResponse = "OVERRIDE", BlockOverrideDomain = "x.example" })));
        AssertError("ValidationException", () => Call("CreateFirewallRule", Rule("d", new { Action = "BLOCK", BlockResponse = "OVERRIDE", BlockOverrideDomain = "x.example", BlockOverrideDnsType = "CNAME", BlockOverrideTtl = 604801 })));
        AssertError("ValidationException", () => Call("CreateFirewallRule", Rule("e", new { Action = "DENY" })));
        AssertError("ValidationException", () => Call("CreateFirewallRule", Rule("f", new { Action = "ALLOW", Qtype = "NOTATYPE" })));
        AssertError("ValidationException", () => Call("CreateFirewallRule", new { CreatorRequestId = "g", FirewallRuleGroupId = groupId, FirewallDomainListId = listId, Priority = 5, Action = "ALLOW", Name = new string('n', 65) }));
        AssertError("ValidationException", () => Call("CreateFirewallRule", new { CreatorRequestId = "h", FirewallRuleGroupId = groupId, FirewallDomainListId = listId, Action = "ALLOW", Name = "n" }));
        AssertError("ResourceNotFoundException", () => Call("CreateFirewallRule", new { CreatorRequestId = "i", FirewallRuleGroupId = groupId, FirewallDomainListId = "rslvr-fdl-0000000000000000", Priority = 5, Action = "ALLOW", Name = "n" }));

        Call("CreateFirewallRule", Rule("ok", new { Action = "BLOCK", BlockResponse = "OVERRIDE", BlockOverrideDomain = "walled.example", BlockOverrideDnsType = "CNAME", BlockOverrideTtl = 60 }));
        AssertError("ConflictException", () => Call("CreateFirewallRule", Merge(new { CreatorRequestId = "dup", FirewallRuleGroupId = groupId, FirewallDomainListId = CreateList("l2", "r3"), Priority = 5, Name = "n2" }, new { Action = "ALLOW" })));
        Assert.Empty(Call("ListFirewallRules", new { FirewallRuleGroupId = groupId, Action = "ALLOW" })["FirewallRules"]!.AsArray());
        Assert.Single(Call("ListFirewallRules", new { FirewallRuleGroupId = groupId })["FirewallRules"]!.AsArray());
    }

    [Fact]
    public void Updating_a_rule_from_override_to_allow_drops_its_block_members_and_unblocks()
    {
        var listId = CreateList("l", "r1");
        Call("UpdateFirewallDomains", new { FirewallDomainListId = listId, Operation = "ADD", Domains = new[] { "x.example" } });
        var groupId = CreateGroup("g", "r2");
        Call("CreateFirewallRule", new { CreatorRequestId = "r3", FirewallRuleGroupId = groupId, FirewallDomainListId = listId, Priority = 5, Name = "n", Action = "BLOCK", BlockResponse = "OVERRIDE", BlockOverrideDomain = "walled.example", BlockOverrideDnsType = "CNAME", BlockOverrideTtl = 60 });
        Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "r4", FirewallRuleGroupId = groupId, VpcId = "default", Priority = 101, Name = "a" });
        Assert.True(_fixture.Blocks("x.example"));

        var rule = Call("UpdateFirewallRule", new { FirewallRuleGroupId = groupId, FirewallDomainListId = listId, Action = "ALLOW", Priority = 7 })["FirewallRule"]!;

        Assert.Equal("ALLOW", (string?)rule["Action"]);
        Assert.Equal(7, (int?)rule["Priority"]);
        Assert.Null(rule["BlockResponse"]);
        Assert.Null(rule["BlockOverrideDomain"]);
        Assert.False(_fixture.Blocks("x.example"));
    }

    [Fact]
    public void Deleting_what_is_in_use_is_a_conflict_and_mutation_protection_guards_an_association()
    {
        var listId = CreateList("l", "r1");
        var groupId = CreateGroup("g", "r2");
        Call("CreateFirewallRule", new { CreatorRequestId = "r3", FirewallRuleGroupId = groupId, FirewallDomainListId = listId, Priority = 5, Name = "n", Action = "ALERT" });
        var association = (string)Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "r4", FirewallRuleGroupId = groupId, VpcId = "lab", Priority = 101, Name = "a", MutationProtection = "ENABLED" })["FirewallRuleGroupAssociation"]!["Id"]!;

        AssertError("ConflictException", () => Call("DeleteFirewallDomainList", new { FirewallDomainListId = listId }));
        AssertError("ConflictException", () => Call("DeleteFirewallRuleGroup", new { FirewallRuleGroupId = groupId }));
        AssertError("ConflictException", () => Call("DisassociateFirewallRuleGroup", new { FirewallRuleGroupAssociationId = association }));
        AssertError("ConflictException", () => Call("UpdateFirewallRuleGroupAssociation", new { FirewallRuleGroupAssociationId = association, Priority = 300 }));

        Call("UpdateFirewallRuleGroupAssociation", new { FirewallRuleGroupAssociationId = association, MutationProtection = "DISABLED" });
        Assert.Equal("DELETING", (string?)Call("DisassociateFirewallRuleGroup", new { FirewallRuleGroupAssociationId = association })["FirewallRuleGroupAssociation"]!["Status"]);
        Call("DeleteFirewallRule", new { FirewallRuleGroupId = groupId, FirewallDomainListId = listId });
        Call("DeleteFirewallRuleGroup", new { FirewallRuleGroupId = groupId });
        Call("DeleteFirewallDomainList", new { FirewallDomainListId = listId });
        AssertError("ResourceNotFoundException", () => Call("GetFirewallDomainList", new { FirewallDomainListId = listId }));
        AssertError("ResourceNotFoundException", () => Call("AssociateFirewallRuleGroup", new { CreatorRequestId = "r9", FirewallRuleGroupId = CreateGroup("g2", "r8"), VpcId = "vpc-unknown", Priority = 101, Name = "a" }));
    }

    [Fact]
    public void List_operations_page_with_max_results_and_next_token_and_reject_a_forged_token()
    {
        var listId = CreateList("l", "r1");
        var domains = Enumerable.Range(0, 25).Select(i => $"d{i:00}.example").ToArray();
        Call("UpdateFirewallDomains", new { FirewallDomainListId = listId, Operation = "ADD", Domains = domains });

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = token is null
                ? Call("ListFirewallDomains", new { FirewallDomainListId = listId, MaxResults = 10 })
                : Call("ListFirewallDomains", new { FirewallDomainListId = listId, MaxResults = 10, NextToken = token });
            seen.AddRange(page["Domains"]!.AsArray().Select(d => (string)d!));
            token = (string?)page["NextToken"];
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(domains, seen);
        AssertError("InvalidNextTokenException", () => Call("ListFirewallDomains", new { FirewallDomainListId = listId, NextToken = "forged" }));
        AssertError("ValidationException", () => Call("ListFirewallDomainLists", new { MaxResults = 101 }));
        AssertError("ValidationException", () => Call("ListFirewallConfigs", new { MaxResults = 4 }));
    }

    [Fact]
    public async Task An_import_replaces_the_domains_from_a_file_and_a_bad_line_keeps_the_old_ones()
    {
        var listId = CreateList("l", "r1");
        var file = Path.Combine(_fixture.StateDirectory, "import.txt");
        await File.WriteAllTextAsync(file, "# comment\nimported.example\n\n*.wild.example\n");

        var answer = Call("ImportFirewallDomains", new { FirewallDomainListId = listId, Operation = "REPLACE", DomainFileUrl = "file://" + file });

        Assert.Equal("IMPORTING", (string?)answer["Status"]);
        var list = await WaitForStatus(listId);
        Assert.Equal("COMPLETE", (string?)list["Status"]);
        Assert.Equal(2, (int?)list["DomainCount"]);

        await File.WriteAllTextAsync(file, "fine.example\nnot a domain!\n");
        Call("ImportFirewallDomains", new { FirewallDomainListId = listId, Operation = "REPLACE", DomainFileUrl = "file:" + file });

        list = await WaitForStatus(listId);
        Assert.Equal("COMPLETE_IMPORT_FAILED", (string?)list["Status"]);
        Assert.Contains("Line 2", (string?)list["StatusMessage"], StringComparison.Ordinal);
        Assert.Equal(2, (int?)list["DomainCount"]);
        AssertError("ValidationException", () => Call("ImportFirewallDomains", new { FirewallDomainListId = listId, Operation = "REPLACE", DomainFileUrl = "s3://bucket/key" }));
    }

    [Fact]
    public void An_unknown_operation_and_a_body_that_is_not_an_object_are_refused()
    {
        AssertError("UnknownOperationException", () => Call("CreateResolverEndpoint", new { }));
        AssertError("SerializationException", () => _fixture.Api.Invoke("ListFirewallRuleGroups", System.Text.Json.JsonSerializer.SerializeToElement(new[] { 1 }), "eu-west-1"));
    }

    [Fact]
    public void Every_firewall_operation_of_the_service_is_answered()
    {
        string[] expected =
        [
            "AssociateFirewallRuleGroup", "CreateFirewallDomainList", "CreateFirewallRule", "CreateFirewallRuleGroup", "DeleteFirewallDomainList",
            "DeleteFirewallRule", "DeleteFirewallRuleGroup", "DisassociateFirewallRuleGroup", "GetFirewallConfig", "GetFirewallDomainList",
            "GetFirewallRuleGroup", "GetFirewallRuleGroupAssociation", "GetFirewallRuleGroupPolicy", "ImportFirewallDomains", "ListFirewallConfigs",
            "ListFirewallDomainLists", "ListFirewallDomains", "ListFirewallRuleGroupAssociations", "ListFirewallRuleGroups", "ListFirewallRules",
            "PutFirewallRuleGroupPolicy", "UpdateFirewallConfig", "UpdateFirewallDomains", "UpdateFirewallRule", "UpdateFirewallRuleGroupAssociation",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), _fixture.Api.Operations.Order(StringComparer.Ordinal));
    }

    private async Task<JsonNode> WaitForStatus(string listId)
    {
        for (var i = 0; i < 200; i++)
        {
            var list = Call("GetFirewallDomainList", new { FirewallDomainListId = listId })["FirewallDomainList"]!;
            if ((string?)list["Status"] is not ("IMPORTING" or "UPDATING"))
            {
                return list;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("the import did not finish in 5 s");
    }

    private string CreateList(string name, string requestId) =>
        (string)Call("CreateFirewallDomainList", new { CreatorRequestId = requestId, Name = name })["FirewallDomainList"]!["Id"]!;

    private string CreateGroup(string name, string requestId) =>
        (string)Call("CreateFirewallRuleGroup", new { CreatorRequestId = requestId, Name = name })["FirewallRuleGroup"]!["Id"]!;

    private JsonObject Call(string operation, object body) => _fixture.Call(operation, body);

    private static JsonObject Merge(object a, object b)
    {
        var merged = System.Text.Json.JsonSerializer.SerializeToNode(a)!.AsObject();
        foreach (var (key, value) in System.Text.Json.JsonSerializer.SerializeToNode(b)!.AsObject())
        {
            merged[key] = value?.DeepClone();
        }

        return merged;
    }

    private static ApiException AssertError(string type, Action call)
    {
        var error = Assert.Throws<ApiException>(call);
        Assert.Equal(type, error.ErrorType);
        return error;
    }
}
