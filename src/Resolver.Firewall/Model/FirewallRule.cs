namespace Resolver.Firewall.Model;

/// <summary>A rule of a rule group, with the members of the AWS <c>FirewallRule</c>.</summary>
public sealed record FirewallRule(string Name, int Priority, string DomainListName, FirewallAction Action)
{
    public const int MaxOverrideTtl = 604800;

    public BlockResponse? BlockResponse { get; init; }

    public string? BlockOverrideDomain { get; init; }

    public int BlockOverrideTtl { get; init; }

    /// <summary>The query type this rule is limited to; 0 for every type.</summary>
    public ushort Qtype { get; init; }

    public RedirectionAction Redirection { get; init; } = RedirectionAction.InspectRedirectionDomain;
}
