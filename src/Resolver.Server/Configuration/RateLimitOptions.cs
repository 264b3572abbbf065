namespace Resolver.Server.Configuration;

/// <summary>
/// Per-client query rate limit (section <c>Resolver:RateLimit</c>): a token bucket per client address
/// prefix, like dnsdist's <c>MaxQPSIPRule</c> or Unbound's <c>ip-ratelimit</c>. The prefix lengths also
/// group clients for <see cref="TcpListenerOptions.MaxConnectionsPerClient"/>.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>
    /// Sustained queries per second each client prefix may send; 0 turns the limit off. 1000 is far above
    /// what a host's stub resolver sends (Route 53 Resolver allows 1024 packets per second per network
    /// interface), so only floods meet it.
    /// </summary>
    public int QueriesPerSecond { get; set; } = 1000;

    /// <summary>Queries a client that has been quiet may send at once before the sustained rate applies.</summary>
    public int Burst { get; set; } = 2000;

    /// <summary>What a query over the limit gets.</summary>
    public RateLimitAction Action { get; set; } = RateLimitAction.Drop;

    /// <summary>IPv4 clients sharing this many leading bits share one budget (32: each address its own).</summary>
    public int IPv4PrefixLength { get; set; } = 32;

    /// <summary>IPv6 clients sharing this many leading bits share one budget (64: one host or LAN usually owns a /64).</summary>
    public int IPv6PrefixLength { get; set; } = 64;

    /// <summary>
    /// Never limit loopback clients (127.0.0.0/8, ::1). A local stub or forwarder (systemd-resolved, dnsmasq,
    /// a benchmark) speaks for a whole host from one address, and loopback cannot be reached from outside.
    /// </summary>
    public bool ExemptLoopback { get; set; } = true;

    /// <summary>More clients never limited: addresses or CIDR networks (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>).</summary>
    public List<string> ExemptNetworks { get; set; } = [];

    /// <summary>
    /// Buckets in the fixed table (rounded up to a power of two; 8 bytes each). Clients whose prefixes hash
    /// to the same bucket share its budget: the price of bounded memory and no per-client allocation.
    /// </summary>
    public int Buckets { get; set; } = 65536;
}
