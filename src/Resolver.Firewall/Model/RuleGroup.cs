namespace Resolver.Firewall.Model;

/// <summary>A named, ordered set of rules (AWS <c>FirewallRuleGroup</c>).</summary>
public sealed record RuleGroup(string Name, IReadOnlyList<FirewallRule> Rules)
{
    private readonly string? _id;

    /// <summary>The AWS-style id: given for API-made groups, derived from the name for the others.</summary>
    public string Id
    {
        get => _id ?? ResourceIds.RuleGroup(Name);
        init => _id = value;
    }
}
