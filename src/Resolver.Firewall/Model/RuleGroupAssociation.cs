namespace Resolver.Firewall.Model;

/// <summary>A rule group attached to a network with a priority of 100-9900, unique in the network.</summary>
public sealed record RuleGroupAssociation(string RuleGroupName, int Priority)
{
    public const int MinPriority = 100;

    public const int MaxPriority = 9900;
}
