using System.Text.Json.Nodes;
using Resolver.Api.Protocol;
using Resolver.Api.State;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;

namespace Resolver.Api.Operations;

/// <summary>
/// Rules: Create/Update/Delete/List FirewallRule(s). A rule is known by its group, its domain list and
/// its query type, as in the service (DeleteFirewallRule takes the Qtype to tell two rules apart).
/// </summary>
internal sealed class RuleOperations
{
    public const int MaxRulesPerGroup = 1000;

    private readonly FirewallApi _api;

    public RuleOperations(FirewallApi api)
    {
        _api = api;
    }

    public void Register(Dictionary<string, Func<ApiCall, JsonObject>> operations)
    {
        operations["CreateFirewallRule"] = Create;
        operations["UpdateFirewallRule"] = Update;
        operations["DeleteFirewallRule"] = Delete;
        operations["ListFirewallRules"] = List;
    }

    private JsonObject Create(ApiCall call)
    {
        var request = call.Request;
        var creatorRequestId = request.String("CreatorRequestId", required: true, max: 255)!;
        var groupId = request.String("FirewallRuleGroupId", required: true, max: 64)!;
        var listId = ListIdOf(request);
        var priority = request.Integer("Priority", required: true, min: 0)!.Value;
        var action = request.Enum("Action", true, "ALLOW", "BLOCK", "ALERT")!;
        var name = request.Name(required: true)!;
        var group = RuleGroupOperations.Owned(_api, groupId);
        var existing = group.Rules.Find(r => r.CreatorRequestId == creatorRequestId);
        if (existing is not null)
        {
            return new JsonObject { ["FirewallRule"] = View(group.Id, existing) };
        }

        if (group.Rules.Count >= MaxRulesPerGroup)
        {
            throw ApiException.LimitExceeded("FirewallRule", $"The firewall rule group {groupId} has reached the limit of {MaxRulesPerGroup} rules.");
        }

        var now = _api.Time.GetUtcNow().UtcDateTime;
        var rule = new ApiRule
        {
            FirewallDomainListId = listId,
            Name = name,
            Priority = priority,
            Action = action,
            CreatorRequestId = creatorRequestId,
            CreationTime = now,
            ModificationTime = now,
        };
        ReadOptionalMembers(request, rule);
        Check(group, rule, replacing: null);
        group.Rules.Add(rule);
        group.ModificationTime = now;
        _api.Commit();
        return new JsonObject { ["FirewallRule"] = View(group.Id, rule) };
    }

    private JsonObject Update(ApiCall call)
    {
        var request = call.Request;
        var groupId = request.String("FirewallRuleGroupId", required: true, max: 64)!;
        var listId = ListIdOf(request);
        var group = RuleGroupOperations.Owned(_api, groupId);
        var current = Find(group, listId, request.String("Qtype", max: 16), allowQtypeChange: true);
        var updated = new ApiRule
        {
            FirewallDomainListId = current.FirewallDomainListId,
            Name = request.Name() ?? current.Name,
            Priority = request.Integer("Priority", min: 0) ?? current.Priority,
            Action = request.Enum("Action", false, "ALLOW", "BLOCK", "ALERT") ?? current.Action,
            BlockResponse = current.BlockResponse,
            BlockOverrideDomain = current.BlockOverrideDomain,
            BlockOverrideDnsType = current.BlockOverrideDnsType,
            BlockOverrideTtl = current.BlockOverrideTtl,
            Qtype = current.Qtype,
            FirewallDomainRedirectionAction = current.FirewallDomainRedirectionAction,
            CreatorRequestId = current.CreatorRequestId,
            CreationTime = current.CreationTime,
            ModificationTime = _api.Time.GetUtcNow().UtcDateTime,
        };
        if (updated.Action != "BLOCK")
        {
            // Leaving BLOCK drops the block members, which only BLOCK may have.
            updated.BlockResponse = null;
            updated.BlockOverrideDomain = null;
            updated.BlockOverrideDnsType = null;
            updated.BlockOverrideTtl = null;
        }

        ReadOptionalMembers(request, updated);
        if (updated.BlockResponse != "OVERRIDE")
        {
            // Override members left from an OVERRIDE rule go with it; given ones are refused by Check.
            updated.BlockOverrideDomain = request.String("BlockOverrideDomain", max: 255);
            updated.BlockOverrideDnsType = request.String("BlockOverrideDnsType");
            updated.BlockOverrideTtl = request.Integer("BlockOverrideTtl", min: 0, max: FirewallRule.MaxOverrideTtl);
        }

        Check(group, updated, replacing: current);
        group.Rules[group.Rules.IndexOf(current)] = updated;
        group.ModificationTime = updated.ModificationTime;
        _api.Commit();
        return new JsonObject { ["FirewallRule"] = View(group.Id, updated) };
    }

    private JsonObject Delete(ApiCall call)
    {
        var request = call.Request;
        var groupId = request.String("FirewallRuleGroupId", required: true, max: 64)!;
        var listId = ListIdOf(request);
        var group = RuleGroupOperations.Owned(_api, groupId);
        var rule = Find(group, listId, request.String("Qtype", max: 16), allowQtypeChange: false);
        group.Rules.Remove(rule);
        group.ModificationTime = _api.Time.GetUtcNow().UtcDateTime;
        _api.Commit();
        return new JsonObject { ["FirewallRule"] = View(group.Id, rule) };
    }

    private JsonObject List(ApiCall call)
    {
        var request = call.Request;
        var groupId = request.String("FirewallRuleGroupId", required: true, max: 64)!;
        var priority = request.Integer("Priority", min: 0);
        var action = request.Enum("Action", false, "ALLOW", "BLOCK", "ALERT");
        var views = new List<(int Priority, JsonObject View)>();
        var group = _api.State.RuleGroups.Find(g => g.Id == groupId);
        if (group is not null)
        {
            foreach (var rule in group.Rules)
            {
                views.Add((rule.Priority, View(group.Id, rule)));
            }
        }
        else
        {
            var file = RuleGroupOperations.FileGroup(_api, groupId) ?? throw RuleGroupOperations.NotFound(groupId);
            var listIds = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var list in _api.Files.DomainLists)
            {
                listIds[list.Name] = list.Id;
            }

            foreach (var rule in file.Rules)
            {
                views.Add((rule.Priority, FileView(file.Id, rule, listIds.GetValueOrDefault(rule.DomainListName, rule.DomainListName))));
            }
        }

        views.Sort((a, b) => a.Priority.CompareTo(b.Priority));
        var filtered = new List<JsonObject>();
        foreach (var (rulePriority, view) in views)
        {
            if ((priority is null || rulePriority == priority) && (action is null || (string?)view["Action"] == action))
            {
                filtered.Add(view);
            }
        }

        var (page, next) = Pagination.Page(filtered, request, maxLimit: 100);
        var answer = new JsonObject { ["FirewallRules"] = new JsonArray([.. page]) };
        if (next is not null)
        {
            answer["NextToken"] = next;
        }

        return answer;
    }

    private static string ListIdOf(ApiRequest request)
    {
        if (request.String("FirewallThreatProtectionId", max: 64) is not null || request.String("DnsThreatProtection") is not null)
        {
            throw ApiException.Validation("DNS Firewall Advanced rules (DnsThreatProtection) are not supported by this resolver yet: give a FirewallDomainListId.");
        }

        return request.String("FirewallDomainListId", required: true, max: 64)!;
    }

    private static void ReadOptionalMembers(ApiRequest request, ApiRule rule)
    {
        rule.BlockResponse = request.Enum("BlockResponse", false, "NODATA", "NXDOMAIN", "OVERRIDE") ?? rule.BlockResponse;
        rule.BlockOverrideDomain = request.String("BlockOverrideDomain", max: 255) ?? rule.BlockOverrideDomain;
        rule.BlockOverrideDnsType = request.Enum("BlockOverrideDnsType", false, "CNAME") ?? rule.BlockOverrideDnsType;
        rule.BlockOverrideTtl = request.Integer("BlockOverrideTtl", min: 0, max: FirewallRule.MaxOverrideTtl) ?? rule.BlockOverrideTtl;
        rule.FirewallDomainRedirectionAction = request.Enum("FirewallDomainRedirectionAction", false, "INSPECT_REDIRECTION_DOMAIN", "TRUST_REDIRECTION_DOMAIN") ?? rule.FirewallDomainRedirectionAction;
        if (request.String("Qtype", max: 16) is { } qtype)
        {
            if (!QueryTypes.TryParse(qtype, out _))
            {
                throw ApiException.Validation($"1 validation error detected: Value '{qtype}' at 'qtype' failed to satisfy constraint: Member must be a DNS query type such as A, AAAA, MX or TYPE<n>");
            }

            rule.Qtype = qtype.ToUpperInvariant();
        }
    }

    private void Check(ApiRuleGroup group, ApiRule rule, ApiRule? replacing)
    {
        if (rule.Action == "BLOCK" && rule.BlockResponse is null)
        {
            throw ApiException.Validation("BlockResponse is required when Action is BLOCK.");
        }

        if (rule.Action != "BLOCK" && (rule.BlockResponse ?? rule.BlockOverrideDomain ?? rule.BlockOverrideDnsType) is not null || rule.Action != "BLOCK" && rule.BlockOverrideTtl is not null)
        {
            throw ApiException.Validation("BlockResponse and the BlockOverride members are only allowed when Action is BLOCK.");
        }

        if (rule.BlockResponse == "OVERRIDE")
        {
            if (rule.BlockOverrideDomain is null || rule.BlockOverrideDnsType is null || rule.BlockOverrideTtl is null)
            {
                throw ApiException.Validation("BlockOverrideDomain, BlockOverrideDnsType and BlockOverrideTtl are required when BlockResponse is OVERRIDE.");
            }

            var target = FirewallApi.NormalizeDomain(rule.BlockOverrideDomain, "blockOverrideDomain");
            if (target.StartsWith('*'))
            {
                throw ApiException.Validation("BlockOverrideDomain must be a domain name, not a wildcard.");
            }
        }
        else if (rule.BlockOverrideDomain is not null || rule.BlockOverrideDnsType is not null || rule.BlockOverrideTtl is not null)
        {
            throw ApiException.Validation("The BlockOverride members are only allowed when BlockResponse is OVERRIDE.");
        }

        if (_api.State.DomainLists.Find(l => l.Id == rule.FirewallDomainListId) is null && !_api.Files.DomainLists.Any(l => l.Id == rule.FirewallDomainListId))
        {
            throw ApiException.NotFound("FirewallDomainList", $"Can't find the resource with ID '{rule.FirewallDomainListId}'. Trace Id: '{Guid.NewGuid():N}'");
        }

        foreach (var other in group.Rules)
        {
            if (ReferenceEquals(other, replacing))
            {
                continue;
            }

            if (other.Priority == rule.Priority)
            {
                throw ApiException.Conflict($"The priority {rule.Priority} is already used by the rule '{other.Name}' of the firewall rule group {group.Id}.");
            }

            if (other.FirewallDomainListId == rule.FirewallDomainListId && other.Qtype == rule.Qtype)
            {
                throw ApiException.Conflict($"The firewall rule group {group.Id} already has a rule for the domain list {rule.FirewallDomainListId}{(rule.Qtype is null ? "" : " and query type " + rule.Qtype)}.");
            }
        }
    }

    private static ApiRule Find(ApiRuleGroup group, string listId, string? qtype, bool allowQtypeChange)
    {
        var normalized = qtype?.ToUpperInvariant();
        var candidates = group.Rules.FindAll(r => r.FirewallDomainListId == listId);
        var exact = candidates.Find(r => r.Qtype == normalized);
        if (exact is not null)
        {
            return exact;
        }

        // UpdateFirewallRule's Qtype is the new value: with a single rule for the list it names no rule.
        if (allowQtypeChange && candidates.Count == 1)
        {
            return candidates[0];
        }

        throw ApiException.NotFound("FirewallRule", $"Can't find a rule for the domain list '{listId}'{(normalized is null ? "" : " and query type " + normalized)} in the firewall rule group '{group.Id}'.");
    }

    private static JsonObject View(string groupId, ApiRule rule)
    {
        var view = new JsonObject
        {
            ["FirewallRuleGroupId"] = groupId,
            ["FirewallDomainListId"] = rule.FirewallDomainListId,
            ["Name"] = rule.Name,
            ["Priority"] = rule.Priority,
            ["Action"] = rule.Action,
        };
        Optional(view, "BlockResponse", rule.BlockResponse);
        Optional(view, "BlockOverrideDomain", rule.BlockOverrideDomain);
        Optional(view, "BlockOverrideDnsType", rule.BlockOverrideDnsType);
        if (rule.BlockOverrideTtl is { } ttl)
        {
            view["BlockOverrideTtl"] = ttl;
        }

        view["CreatorRequestId"] = rule.CreatorRequestId;
        view["CreationTime"] = FirewallApi.Timestamp(rule.CreationTime);
        view["ModificationTime"] = FirewallApi.Timestamp(rule.ModificationTime);
        view["FirewallDomainRedirectionAction"] = rule.FirewallDomainRedirectionAction ?? "INSPECT_REDIRECTION_DOMAIN";
        Optional(view, "Qtype", rule.Qtype);
        return view;
    }

    private static JsonObject FileView(string groupId, FirewallRule rule, string listId)
    {
        var view = new JsonObject
        {
            ["FirewallRuleGroupId"] = groupId,
            ["FirewallDomainListId"] = listId,
            ["Name"] = rule.Name,
            ["Priority"] = rule.Priority,
            ["Action"] = rule.Action.ToString().ToUpperInvariant(),
        };
        if (rule.BlockResponse is { } response)
        {
            view["BlockResponse"] = response switch
            {
                BlockResponse.NoData => "NODATA",
                BlockResponse.NxDomain => "NXDOMAIN",
                _ => "OVERRIDE",
            };
            if (response == BlockResponse.Override)
            {
                view["BlockOverrideDomain"] = rule.BlockOverrideDomain;
                view["BlockOverrideDnsType"] = "CNAME";
                view["BlockOverrideTtl"] = rule.BlockOverrideTtl;
            }
        }

        view["FirewallDomainRedirectionAction"] = rule.Redirection == RedirectionAction.TrustRedirectionDomain ? "TRUST_REDIRECTION_DOMAIN" : "INSPECT_REDIRECTION_DOMAIN";
        if (rule.Qtype != 0)
        {
            view["Qtype"] = QueryTypes.Name(rule.Qtype);
        }

        return view;
    }

    private static void Optional(JsonObject view, string member, string? value)
    {
        if (value is not null)
        {
            view[member] = value;
        }
    }
}
