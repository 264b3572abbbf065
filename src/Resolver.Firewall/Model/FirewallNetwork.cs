using System.Net;

namespace Resolver.Firewall.Model;

/// <summary>
/// A set of client address ranges that share rule groups: what a VPC is to Route 53. The client's most
/// specific matching range selects its network.
/// </summary>
public sealed record FirewallNetwork(string Name, IReadOnlyList<IPNetwork> Cidrs, IReadOnlyList<RuleGroupAssociation> Associations)
{
    public const string DefaultName = "default";

    /// <summary>Forward (true) or SERVFAIL (false) a query that the network's rules cannot evaluate.</summary>
    public bool FailOpen { get; init; }
}
