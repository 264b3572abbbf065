namespace Resolver.Detection.Findings;

/// <summary>The query behind a DNS_REQUEST finding.</summary>
public sealed record DnsRequestAction
{
    public string Domain { get; init; } = "";

    /// <summary>UDP or TCP.</summary>
    public string Protocol { get; init; } = "UDP";

    /// <summary>Whether the resolver's firewall blocked the query.</summary>
    public bool Blocked { get; init; }
}
