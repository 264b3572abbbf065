namespace Resolver.Api.State;

/// <summary>Everything the API has made. Mutated only under the API's lock, then saved whole.</summary>
public sealed class ApiState
{
    public List<ApiDomainList> DomainLists { get; init; } = [];

    public List<ApiRuleGroup> RuleGroups { get; init; } = [];

    public List<ApiAssociation> Associations { get; init; } = [];

    public List<ApiFirewallConfig> FirewallConfigs { get; init; } = [];

    /// <summary>Rule group policies (<c>PutFirewallRuleGroupPolicy</c>) by rule group ARN.</summary>
    public Dictionary<string, string> RuleGroupPolicies { get; init; } = new(StringComparer.Ordinal);
}
