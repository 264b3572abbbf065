using System.Text.Json.Nodes;
using Resolver.Api.Protocol;
using Resolver.Api.State;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Api.Operations;

/// <summary>
/// Rules: Create/Update/Delete/List FirewallRule(s). A rule is known by its group, its domain list and
/// its query type, as in the service (DeleteFirewallRule takes the Qtype to tell two rules apart); a DNS
/// Firewall Advanced rule (DnsThreatProtection and ConfidenceThreshold instead of a list) by its
/// FirewallThreatProtectionId.
/// </summary>
internal sealed class RuleOperations
{
    public const int MaxRulesPerGroup = 1000;

    /// <summary>The prefix of DNS Firewall Advanced rule ids (AWS <c>FirewallThreatProtectionId</c>).</summary>
    public const string ThreatProtectionIdPrefix = "rslvr-ftp-";

    private static readonly string[] ProtectionNames = [.. ThreatProtectionNames.Protections];

    private static readonly string[] ThresholdNames = [.. ThreatProtectionNames.Thresholds];

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
        var (listId, protection, threshold) = TargetOf(request);
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
            FirewallThreatProtectionId = protection is null ? null : FirewallApi.NewId(ThreatProtectionIdPrefix),
            DnsThreatProtection = protection,
            ConfidenceThreshold = threshold,
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
        var group = RuleGroupOperations.Owned(_api, groupId);
        var current = Find(group, request, allowQtypeChange: true);
        var updated = new ApiRule
        {
            FirewallDomainListId = current.FirewallDomainListId,
            FirewallThreatProtectionId = current.FirewallThreatProtectionId,
            DnsThreatProtection = current.DnsThreatProtection,
            ConfidenceThreshold = current.ConfidenceThreshold,
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
        if (updated.FirewallThreatProtectionId is not null)
        {
            updated.DnsThreatProtection = request.Enum("DnsThreatProtection", false, ProtectionNames) ?? updated.DnsThreatProtection;
            updated.ConfidenceThreshold = request.Enum("ConfidenceThreshold", false, ThresholdNames) ?? updated.ConfidenceThreshold;
        }
        else if (request.String("DnsThreatProtection") is not null || request.String("ConfidenceThreshold") is not null)
        {
            throw ApiException.Validation("DnsThreatProtection and ConfidenceThreshold apply only to a DNS Firewall Advanced rule; this rule uses a domain list.");
        }

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
        var group = RuleGroupOperations.Owned(_api, groupId);
        var rule = Find(group, request, allowQtypeChange: false);
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
                var listId = rule.DomainListName is null ? null : listIds.GetValueOrDefault(rule.DomainListName, rule.DomainListName);
                views.Add((rule.Priority, FileView(file.Id, rule, listId)));
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

    // A rule targets either a domain list or a threat protection (DNS Firewall Advanced), never both.
    private static (string? ListId, string? Protection, string? Threshold) TargetOf(ApiRequest request)
    {
        var listId = request.String("FirewallDomainListId", max: 64);
        var protection = request.Enum("DnsThreatProtection", false, ProtectionNames);
        var threshold = request.Enum("ConfidenceThreshold", false, ThresholdNames);
        if (listId is not null && protection is not null)
        {
            throw ApiException.Validation("FirewallDomainListId can't be used together with DnsThreatProtection.");
        }

        if (listId is null && protection is null)
        {
            throw ApiException.Validation("A rule needs either a FirewallDomainListId or a DnsThreatProtection.");
        }

        if (protection is not null && threshold is null)
        {
            throw ApiException.Validation("ConfidenceThreshold is required with DnsThreatProtection.");
        }

        if (protection is null && threshold is not null)
        {
            throw ApiException.Validation("ConfidenceThreshold applies only with DnsThreatProtection.");
        }

        return (listId, protection, threshold);
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

        if (rule.FirewallDomainListId is not null && _api.State.DomainLists.Find(l => l.Id == rule.FirewallDomainListId) is null && !_api.Files.DomainLists.Any(l => l.Id == rule.FirewallDomainListId))
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

            if (rule.FirewallDomainListId is not null && other.FirewallDomainListId == rule.FirewallDomainListId && other.Qtype == rule.Qtype)
            {
                throw ApiException.Conflict($"The firewall rule group {group.Id} already has a rule for the domain list {rule.FirewallDomainListId}{(rule.Qtype is null ? "" : " and query type " + rule.Qtype)}.");
            }
        }
    }

    // A list rule is known by its list and query type, as in the service; an advanced rule by its own id.
    private static ApiRule Find(ApiRuleGroup group, ApiRequest request, bool allowQtypeChange)
    {
        if (request.String("FirewallThreatProtectionId", max: 64) is { } threatId)
        {
            return group.Rules.Find(r => r.FirewallThreatProtectionId == threatId)
                ?? throw ApiException.NotFound("FirewallRule", $"Can't find the DNS Firewall Advanced rule '{threatId}' in the firewall rule group '{group.Id}'.");
        }

        var listId = request.String("FirewallDomainListId", max: 64)
            ?? throw ApiException.Validation("Give the rule's FirewallDomainListId or, for a DNS Firewall Advanced rule, its FirewallThreatProtectionId.");
        var normalized = request.String("Qtype", max: 16)?.ToUpperInvariant();
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
        var view = new JsonObject { ["FirewallRuleGroupId"] = groupId };
        Optional(view, "FirewallDomainListId", rule.FirewallDomainListId);
        Optional(view, "FirewallThreatProtectionId", rule.FirewallThreatProtectionId);
        view["Name"] = rule.Name;
        view["Priority"] = rule.Priority;
        view["Action"] = rule.Action;
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
        Optional(view, "DnsThreatProtection", rule.DnsThreatProtection);
        Optional(view, "ConfidenceThreshold", rule.ConfidenceThreshold);
        return view;
    }

    private static JsonObject FileView(string groupId, FirewallRule rule, string? listId)
    {
        var view = new JsonObject { ["FirewallRuleGroupId"] = groupId };
        Optional(view, "FirewallDomainListId", listId);
        if (rule.ThreatProtection is not null)
        {
            view["FirewallThreatProtectionId"] = AssociationOperations.StableId(ThreatProtectionIdPrefix, groupId + "\n" + rule.Name);
        }

        view["Name"] = rule.Name;
        view["Priority"] = rule.Priority;
        view["Action"] = rule.Action.ToString().ToUpperInvariant();
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

        if (rule.ThreatProtection is { } protection)
        {
            view["DnsThreatProtection"] = ThreatProtectionNames.Name(protection);
            view["ConfidenceThreshold"] = ThreatProtectionNames.Name(rule.ConfidenceThreshold);
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
