using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using Resolver.Api.Protocol;
using Resolver.Api.State;
using Resolver.Firewall.Model;

namespace Resolver.Api.Operations;

/// <summary>
/// Associations of rule groups with networks (AWS: VPCs; <c>VpcId</c> is a network's name):
/// Associate/Disassociate/Get/Update/List, with MutationProtection. Associations of the rulesets files
/// show too, read-only; priorities are unique per network across both.
/// </summary>
internal sealed class AssociationOperations
{
    public const string IdPrefix = "rslvr-frgassoc-";
    public const int MaxAssociationsPerNetwork = 100;

    private const string Kind = "firewall-rule-group-association";
    private const string ResourceType = "FirewallRuleGroupAssociation";

    private readonly FirewallApi _api;

    public AssociationOperations(FirewallApi api)
    {
        _api = api;
    }

    public void Register(Dictionary<string, Func<ApiCall, JsonObject>> operations)
    {
        operations["AssociateFirewallRuleGroup"] = Associate;
        operations["DisassociateFirewallRuleGroup"] = Disassociate;
        operations["GetFirewallRuleGroupAssociation"] = Get;
        operations["UpdateFirewallRuleGroupAssociation"] = Update;
        operations["ListFirewallRuleGroupAssociations"] = List;
    }

    /// <summary>The names of the networks associations may name: the files' networks and <c>default</c>.</summary>
    internal static List<string> NetworkNames(FirewallApi api)
    {
        var names = new List<string>();
        foreach (var network in api.Files.Networks)
        {
            names.Add(network.Name);
        }

        if (!names.Contains(FirewallNetwork.DefaultName))
        {
            names.Add(FirewallNetwork.DefaultName);
        }

        return names;
    }

    internal static string StableId(string prefix, string key) =>
        prefix + Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(key)));

    private JsonObject Associate(ApiCall call)
    {
        var request = call.Request;
        var creatorRequestId = request.String("CreatorRequestId", required: true, max: 255)!;
        var groupId = request.String("FirewallRuleGroupId", required: true, max: 64)!;
        var vpcId = request.String("VpcId", required: true, max: 64)!;
        var priority = request.Integer("Priority", required: true)!.Value;
        var name = request.Name(required: true)!;
        var protection = request.Enum("MutationProtection", false, "ENABLED", "DISABLED") ?? "DISABLED";
        var existing = _api.State.Associations.Find(a => a.CreatorRequestId == creatorRequestId);
        if (existing is not null)
        {
            return new JsonObject { ["FirewallRuleGroupAssociation"] = View(call, existing) };
        }

        CheckPriority(priority);
        if (!NetworkNames(_api).Contains(vpcId))
        {
            throw ApiException.NotFound("VPC", $"Can't find the network '{vpcId}': VpcId names a network of the rulesets files (or 'default').");
        }

        if (_api.State.RuleGroups.Find(g => g.Id == groupId) is null && RuleGroupOperations.FileGroup(_api, groupId) is null)
        {
            throw RuleGroupOperations.NotFound(groupId);
        }

        var inNetwork = AllIn(call, vpcId);
        if (inNetwork.Count >= MaxAssociationsPerNetwork)
        {
            throw ApiException.LimitExceeded(ResourceType, $"The network '{vpcId}' has reached the limit of {MaxAssociationsPerNetwork} rule group associations.");
        }

        foreach (var other in inNetwork)
        {
            if ((string?)other["FirewallRuleGroupId"] == groupId)
            {
                throw ApiException.Conflict($"The firewall rule group {groupId} is already associated with '{vpcId}' ({other["Id"]}).");
            }

            if ((int?)other["Priority"] == priority)
            {
                throw ApiException.Conflict($"The priority {priority} is already used by the association {other["Id"]} of '{vpcId}'.");
            }
        }

        var now = _api.Time.GetUtcNow().UtcDateTime;
        var association = new ApiAssociation
        {
            Id = FirewallApi.NewId(IdPrefix),
            FirewallRuleGroupId = groupId,
            VpcId = vpcId,
            Name = name,
            Priority = priority,
            MutationProtection = protection,
            CreatorRequestId = creatorRequestId,
            CreationTime = now,
            ModificationTime = now,
        };
        _api.State.Associations.Add(association);
        _api.Commit();
        var view = View(call, association);
        view["Status"] = "UPDATING";
        view["StatusMessage"] = "Creating Firewall Rule Group Association";
        return new JsonObject { ["FirewallRuleGroupAssociation"] = view };
    }

    private JsonObject Disassociate(ApiCall call)
    {
        var association = Owned(call.Request.String("FirewallRuleGroupAssociationId", required: true, max: 64)!);
        if (association.MutationProtection == "ENABLED")
        {
            throw ApiException.Conflict($"The association {association.Id} has mutation protection enabled: disable it with UpdateFirewallRuleGroupAssociation first.");
        }

        _api.State.Associations.Remove(association);
        _api.Commit();
        var view = View(call, association);
        view["Status"] = "DELETING";
        view["StatusMessage"] = "Deleting the Firewall Rule Group Association";
        return new JsonObject { ["FirewallRuleGroupAssociation"] = view };
    }

    private JsonObject Get(ApiCall call)
    {
        var id = call.Request.String("FirewallRuleGroupAssociationId", required: true, max: 64)!;
        var owned = _api.State.Associations.Find(a => a.Id == id);
        if (owned is not null)
        {
            return new JsonObject { ["FirewallRuleGroupAssociation"] = View(call, owned) };
        }

        foreach (var view in FileViews(call))
        {
            if ((string?)view["Id"] == id)
            {
                return new JsonObject { ["FirewallRuleGroupAssociation"] = view };
            }
        }

        throw NotFound(id);
    }

    private JsonObject Update(ApiCall call)
    {
        var request = call.Request;
        var association = Owned(request.String("FirewallRuleGroupAssociationId", required: true, max: 64)!);
        var priority = request.Integer("Priority");
        var protection = request.Enum("MutationProtection", false, "ENABLED", "DISABLED");
        var name = request.Name();
        if (association.MutationProtection == "ENABLED" && protection != "DISABLED" && (priority is not null || name is not null))
        {
            throw ApiException.Conflict($"The association {association.Id} has mutation protection enabled: only MutationProtection can be changed.");
        }

        if (priority is { } newPriority && newPriority != association.Priority)
        {
            CheckPriority(newPriority);
            foreach (var other in AllIn(call, association.VpcId))
            {
                if ((int?)other["Priority"] == newPriority)
                {
                    throw ApiException.Conflict($"The priority {newPriority} is already used by the association {other["Id"]} of '{association.VpcId}'.");
                }
            }

            association.Priority = newPriority;
        }

        association.MutationProtection = protection ?? association.MutationProtection;
        association.Name = name ?? association.Name;
        association.ModificationTime = _api.Time.GetUtcNow().UtcDateTime;
        _api.Commit();
        return new JsonObject { ["FirewallRuleGroupAssociation"] = View(call, association) };
    }

    private JsonObject List(ApiCall call)
    {
        var request = call.Request;
        var groupId = request.String("FirewallRuleGroupId", max: 64);
        var vpcId = request.String("VpcId", max: 64);
        var priority = request.Integer("Priority");
        var status = request.Enum("Status", false, "COMPLETE", "DELETING", "UPDATING");
        var matching = new List<JsonObject>();
        foreach (var view in All(call))
        {
            if ((groupId is null || (string?)view["FirewallRuleGroupId"] == groupId)
                && (vpcId is null || (string?)view["VpcId"] == vpcId)
                && (priority is null || (int?)view["Priority"] == priority)
                && (status is null || (string?)view["Status"] == status))
            {
                matching.Add(view);
            }
        }

        var (page, next) = Pagination.Page(matching, request, maxLimit: 100);
        var answer = new JsonObject { ["FirewallRuleGroupAssociations"] = new JsonArray([.. page]) };
        if (next is not null)
        {
            answer["NextToken"] = next;
        }

        return answer;
    }

    private List<JsonObject> All(ApiCall call)
    {
        var all = FileViews(call);
        foreach (var association in _api.State.Associations)
        {
            all.Add(View(call, association));
        }

        return all;
    }

    private List<JsonObject> AllIn(ApiCall call, string vpcId) => All(call).FindAll(v => (string?)v["VpcId"] == vpcId);

    private List<JsonObject> FileViews(ApiCall call)
    {
        var views = new List<JsonObject>();
        var groupIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in _api.Files.RuleGroups)
        {
            groupIds[group.Name] = group.Id;
        }

        foreach (var network in _api.Files.Networks)
        {
            foreach (var association in network.Associations)
            {
                var id = StableId(IdPrefix, network.Name + "\n" + association.RuleGroupName);
                views.Add(new JsonObject
                {
                    ["Id"] = id,
                    ["Arn"] = _api.Arn(call, Kind, id),
                    ["FirewallRuleGroupId"] = groupIds.GetValueOrDefault(association.RuleGroupName, association.RuleGroupName),
                    ["VpcId"] = network.Name,
                    ["Name"] = association.RuleGroupName,
                    ["Priority"] = association.Priority,
                    ["MutationProtection"] = "DISABLED",
                    ["Status"] = "COMPLETE",
                    ["StatusMessage"] = "Defined in the rulesets files (read-only through the API)",
                });
            }
        }

        return views;
    }

    private ApiAssociation Owned(string id)
    {
        var association = _api.State.Associations.Find(a => a.Id == id);
        if (association is not null)
        {
            return association;
        }

        foreach (var view in FileViews(new ApiCall(null!, _api.Options.Region)))
        {
            if ((string?)view["Id"] == id)
            {
                throw ApiException.AccessDenied($"The association {id} is defined in the rulesets files and is read-only through the API.");
            }
        }

        throw NotFound(id);
    }

    private static void CheckPriority(int priority)
    {
        if (priority < RuleGroupAssociation.MinPriority || priority > RuleGroupAssociation.MaxPriority)
        {
            throw ApiException.Validation($"1 validation error detected: Value '{priority}' at 'priority' failed to satisfy constraint: Member must be between {RuleGroupAssociation.MinPriority} and {RuleGroupAssociation.MaxPriority}");
        }
    }

    private JsonObject View(ApiCall call, ApiAssociation association) => new()
    {
        ["Id"] = association.Id,
        ["Arn"] = _api.Arn(call, Kind, association.Id),
        ["FirewallRuleGroupId"] = association.FirewallRuleGroupId,
        ["VpcId"] = association.VpcId,
        ["Name"] = association.Name,
        ["Priority"] = association.Priority,
        ["MutationProtection"] = association.MutationProtection,
        ["Status"] = "COMPLETE",
        ["StatusMessage"] = "Finished rule group association update",
        ["CreatorRequestId"] = association.CreatorRequestId,
        ["CreationTime"] = FirewallApi.Timestamp(association.CreationTime),
        ["ModificationTime"] = FirewallApi.Timestamp(association.ModificationTime),
    };

    private static ApiException NotFound(string id) => ApiException.NotFound(ResourceType, $"Can't find the resource with ID '{id}'. Trace Id: '{Guid.NewGuid():N}'");
}
