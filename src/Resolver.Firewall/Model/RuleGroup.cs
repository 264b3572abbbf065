namespace Resolver.Firewall.Model;

/// <summary>A named, ordered set of rules (AWS <c>FirewallRuleGroup</c>).</summary>
public sealed record RuleGroup(string Name, IReadOnlyList<FirewallRule> Rules);
