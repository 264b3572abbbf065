namespace Resolver.Server.Configuration;

public sealed class UpstreamOptions
{
    /// <summary>Every query is answered within this: by an upstream, or with SERVFAIL.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one upstream gets before the query moves on to the next.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>Sends of one query over all upstreams (UDP attempts; a TC retry over TCP is not counted).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Connected UDP sockets per upstream, each on its own kernel-chosen random port (RFC 5452).</summary>
    public int SocketsPerUpstream { get; set; } = 8;

    /// <summary>Forward every query over TCP instead of UDP.</summary>
    public bool TcpOnly { get; set; }

    /// <summary>Consecutive failures after which an upstream counts as down.</summary>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>How long a down upstream is avoided before it is tried again.</summary>
    public TimeSpan DownBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Queries forwarded and not yet answered, over all upstreams; past it a query that needs an upstream is
    /// answered SERVFAIL at once. Bounds the memory a slow or dead upstream can pin (about 1 KB per query):
    /// 10,000 is 5,000 queries per second all waiting out a 2 s timeout, or a million per second at 10 ms.
    /// </summary>
    public int MaxInFlight { get; set; } = 10_000;

    /// <summary>Idle TCP connections kept per upstream for reuse.</summary>
    public int MaxIdleTcpConnections { get; set; } = 4;
}
