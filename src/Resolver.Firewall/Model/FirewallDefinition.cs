namespace Resolver.Firewall.Model;

/// <summary>Everything the firewall is configured with: lists, rule groups and networks, by name.</summary>
public sealed record FirewallDefinition(
    IReadOnlyList<DomainList> DomainLists,
    IReadOnlyList<RuleGroup> RuleGroups,
    IReadOnlyList<FirewallNetwork> Networks)
{
    public static FirewallDefinition Empty { get; } = new([], [], []);
}
