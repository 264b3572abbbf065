using System.Text.Json.Nodes;
using Resolver.Api.Protocol;
using Resolver.Api.State;
using Resolver.Firewall.Model;

namespace Resolver.Api.Operations;

/// <summary>
/// Rule groups: Create/Get/Delete/List, and Get/PutFirewallRuleGroupPolicy (sharing does not exist on
/// one resolver, so a put policy is only kept and a get answers it or a fixed owner-only document).
/// Groups of the rulesets files show too, read-only.
/// </summary>
internal sealed class RuleGroupOperations
{
    public const int MaxRuleGroups = 1000;

    private const string Kind = "firewall-rule-group";
    private const string ResourceType = "FirewallRuleGroup";

    private readonly FirewallApi _api;

    public RuleGroupOperations(FirewallApi api)
    {
        _api = api;
    }

    public void Register(Dictionary<string, Func<ApiCall, JsonObject>> operations)
    {
        operations["CreateFirewallRuleGroup"] = Create;
        operations["GetFirewallRuleGroup"] = Get;
        operations["DeleteFirewallRuleGroup"] = Delete;
        operations["ListFirewallRuleGroups"] = List;
        operations["GetFirewallRuleGroupPolicy"] = GetPolicy;
        operations["PutFirewallRuleGroupPolicy"] = PutPolicy;
    }

    internal static ApiException NotFound(string id) => ApiException.NotFound(ResourceType, $"Can't find the resource with ID '{id}'. Trace Id: '{Guid.NewGuid():N}'");

    /// <summary>The API's group of that id; a file group's id is AccessDenied, an unknown one ResourceNotFound.</summary>
    internal static ApiRuleGroup Owned(FirewallApi api, string id)
    {
        var group = api.State.RuleGroups.Find(g => g.Id == id);
        if (group is not null)
        {
            return group;
        }

        var file = FileGroup(api, id) ?? throw NotFound(id);
        throw ApiException.AccessDenied($"The firewall rule group {id} ({file.Name}) is defined in the rulesets files and is read-only through the API.");
    }

    internal static RuleGroup? FileGroup(FirewallApi api, string id)
    {
        foreach (var group in api.Files.RuleGroups)
        {
            if (group.Id == id)
            {
                return group;
            }
        }

        return null;
    }

    private JsonObject Create(ApiCall call)
    {
        var request = call.Request;
        var creatorRequestId = request.String("CreatorRequestId", required: true, max: 255)!;
        var name = request.Name(required: true)!;
        var group = _api.State.RuleGroups.Find(g => g.CreatorRequestId == creatorRequestId);
        if (group is null)
        {
            if (_api.State.RuleGroups.Count >= MaxRuleGroups)
            {
                throw ApiException.LimitExceeded(ResourceType, $"The account has reached the limit of {MaxRuleGroups} firewall rule groups.");
            }

            var now = _api.Time.GetUtcNow().UtcDateTime;
            group = new ApiRuleGroup
            {
                Id = FirewallApi.NewId(ResourceIds.RuleGroupPrefix),
                Name = name,
                CreatorRequestId = creatorRequestId,
                CreationTime = now,
                ModificationTime = now,
            };
            _api.State.RuleGroups.Add(group);
            _api.Commit();
        }

        return new JsonObject { ["FirewallRuleGroup"] = View(call, group) };
    }

    private JsonObject Get(ApiCall call)
    {
        var id = call.Request.String("FirewallRuleGroupId", required: true, max: 64)!;
        var group = _api.State.RuleGroups.Find(g => g.Id == id);
        if (group is not null)
        {
            return new JsonObject { ["FirewallRuleGroup"] = View(call, group) };
        }

        var file = FileGroup(_api, id) ?? throw NotFound(id);
        return new JsonObject
        {
            ["FirewallRuleGroup"] = new JsonObject
            {
                ["Id"] = file.Id,
                ["Arn"] = _api.Arn(call, Kind, file.Id),
                ["Name"] = file.Name,
                ["RuleCount"] = file.Rules.Count,
                ["Status"] = "COMPLETE",
                ["StatusMessage"] = "Defined in the rulesets files (read-only through the API)",
                ["OwnerId"] = _api.Options.AccountId,
                ["ShareStatus"] = "NOT_SHARED",
            },
        };
    }

    private JsonObject Delete(ApiCall call)
    {
        var id = call.Request.String("FirewallRuleGroupId", required: true, max: 64)!;
        var group = Owned(_api, id);
        var association = _api.State.Associations.Find(a => a.FirewallRuleGroupId == id);
        if (association is not null)
        {
            throw ApiException.Conflict($"The firewall rule group {id} is associated with {association.VpcId} ({association.Id}); disassociate it first.");
        }

        _api.State.RuleGroups.Remove(group);
        _api.State.RuleGroupPolicies.Remove(_api.Arn(call, Kind, id));
        _api.Commit();
        var view = View(call, group);
        view["Status"] = "DELETING";
        view["StatusMessage"] = "Deleting the Firewall Rule Group";
        return new JsonObject { ["FirewallRuleGroup"] = view };
    }

    private JsonObject List(ApiCall call)
    {
        var all = new List<JsonObject>();
        foreach (var group in _api.Files.RuleGroups)
        {
            all.Add(new JsonObject
            {
                ["Id"] = group.Id,
                ["Arn"] = _api.Arn(call, Kind, group.Id),
                ["Name"] = group.Name,
                ["OwnerId"] = _api.Options.AccountId,
                ["ShareStatus"] = "NOT_SHARED",
            });
        }

        foreach (var group in _api.State.RuleGroups)
        {
            all.Add(new JsonObject
            {
                ["Id"] = group.Id,
                ["Arn"] = _api.Arn(call, Kind, group.Id),
                ["Name"] = group.Name,
                ["OwnerId"] = _api.Options.AccountId,
                ["CreatorRequestId"] = group.CreatorRequestId,
                ["ShareStatus"] = "NOT_SHARED",
            });
        }

        var (page, next) = Pagination.Page(all, call.Request, maxLimit: 100);
        var answer = new JsonObject { ["FirewallRuleGroups"] = new JsonArray([.. page]) };
        if (next is not null)
        {
            answer["NextToken"] = next;
        }

        return answer;
    }

    private JsonObject GetPolicy(ApiCall call)
    {
        var arn = call.Request.String("Arn", required: true, max: 255)!;
        var id = GroupIdOf(arn);
        if (_api.State.RuleGroupPolicies.TryGetValue(arn, out var policy))
        {
            return new JsonObject { ["FirewallRuleGroupPolicy"] = policy };
        }

        if (_api.State.RuleGroups.Find(g => g.Id == id) is null && FileGroup(_api, id) is null)
        {
            throw NotFound(id);
        }

        // Nothing is shared on a self-hosted resolver: the policy grants the owner account only.
        var document = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(new JsonObject
            {
                ["Effect"] = "Allow",
                ["Principal"] = new JsonObject { ["AWS"] = $"arn:aws:iam::{_api.Options.AccountId}:root" },
                ["Action"] = new JsonArray("route53resolver:GetFirewallRuleGroup", "route53resolver:ListFirewallRuleGroups", "route53resolver:AssociateFirewallRuleGroup", "route53resolver:DisassociateFirewallRuleGroup"),
                ["Resource"] = arn,
            }),
        };
        return new JsonObject { ["FirewallRuleGroupPolicy"] = document.ToJsonString() };
    }

    private JsonObject PutPolicy(ApiCall call)
    {
        var arn = call.Request.String("Arn", required: true, max: 255)!;
        var policy = call.Request.String("FirewallRuleGroupPolicy", required: true, min: 0, max: 30000)!;
        var id = GroupIdOf(arn);
        Owned(_api, id);
        try
        {
            using var parsed = System.Text.Json.JsonDocument.Parse(policy);
        }
        catch (System.Text.Json.JsonException)
        {
            throw ApiException.Validation("The FirewallRuleGroupPolicy is not a valid JSON policy document.");
        }

        _api.State.RuleGroupPolicies[arn] = policy;
        _api.Commit();
        return new JsonObject { ["ReturnValue"] = true };
    }

    private static string GroupIdOf(string arn)
    {
        var marker = "/";
        var slash = arn.LastIndexOf(marker, StringComparison.Ordinal);
        if (!arn.StartsWith("arn:", StringComparison.Ordinal) || slash < 0 || !arn.Contains(":" + Kind + "/", StringComparison.Ordinal))
        {
            throw ApiException.Validation($"1 validation error detected: Value '{arn}' at 'arn' failed to satisfy constraint: Member must be the ARN of a firewall rule group");
        }

        return arn[(slash + 1)..];
    }

    private JsonObject View(ApiCall call, ApiRuleGroup group) => new()
    {
        ["Id"] = group.Id,
        ["Arn"] = _api.Arn(call, Kind, group.Id),
        ["Name"] = group.Name,
        ["RuleCount"] = group.Rules.Count,
        ["Status"] = "COMPLETE",
        ["StatusMessage"] = "Created Firewall Rule Group",
        ["OwnerId"] = _api.Options.AccountId,
        ["CreatorRequestId"] = group.CreatorRequestId,
        ["ShareStatus"] = "NOT_SHARED",
        ["CreationTime"] = FirewallApi.Timestamp(group.CreationTime),
        ["ModificationTime"] = FirewallApi.Timestamp(group.ModificationTime),
    };
}
