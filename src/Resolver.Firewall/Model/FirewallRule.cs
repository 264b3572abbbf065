using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Model;

/// <summary>
/// A rule of a rule group, with the members of the AWS <c>FirewallRule</c>. It matches either the names of
/// a domain list (<see cref="DomainListName"/>) or, as a DNS Firewall Advanced rule, the queries a threat
/// protection scores at <see cref="ConfidenceThreshold"/> or above (<see cref="ThreatProtection"/>).
/// </summary>
public sealed record FirewallRule(string Name, int Priority, string? DomainListName, FirewallAction Action)
{
    public const int MaxOverrideTtl = 604800;

    public BlockResponse? BlockResponse { get; init; }

    public string? BlockOverrideDomain { get; init; }

    public int BlockOverrideTtl { get; init; }

    /// <summary>The query type this rule is limited to; 0 for every type.</summary>
    public ushort Qtype { get; init; }

    public RedirectionAction Redirection { get; init; } = RedirectionAction.InspectRedirectionDomain;

    /// <summary>The advanced protection this rule applies instead of a domain list, or null.</summary>
    public DnsThreatProtection? ThreatProtection { get; init; }

    /// <summary>The lowest confidence at which <see cref="ThreatProtection"/> makes the rule match.</summary>
    public ThreatConfidence ConfidenceThreshold { get; init; } = ThreatConfidence.High;
}
