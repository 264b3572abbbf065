namespace Resolver.Detection.Findings;

public sealed record NetworkConnectionAction
{
    /// <summary>INBOUND, OUTBOUND or UNKNOWN.</summary>
    public string ConnectionDirection { get; init; } = "OUTBOUND";

    /// <summary>TCP, UDP or the protocol number.</summary>
    public string Protocol { get; init; } = "";

    public bool Blocked { get; init; }

    public IpAddressDetails LocalIpDetails { get; init; } = new();

    public PortDetails LocalPortDetails { get; init; } = new();

    public IpAddressDetails RemoteIpDetails { get; init; } = new();

    public PortDetails RemotePortDetails { get; init; } = new();
}
