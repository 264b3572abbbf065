namespace Resolver.Server.Configuration;

/// <summary>RFC 7766 connection handling limits.</summary>
public sealed class TcpListenerOptions
{
    /// <summary>A connection with no query in progress is closed after this.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A message whose first byte arrived must be complete within this (slow-sender protection).</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A response the client does not read within this closes the connection.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Open connections over all clients; past it new connections are closed at once.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// Open connections of one client (grouped by the <c>RateLimit</c> prefix lengths); past it its new
    /// connections are closed at once, so one client cannot hold the whole of <see cref="MaxConnections"/>.
    /// 0 turns the cap off. 64 leaves room for a NAT gateway or local forwarder speaking for many hosts.
    /// </summary>
    public int MaxConnectionsPerClient { get; set; } = 64;

    /// <summary>Pipelined queries a connection may have unanswered; reading pauses at the limit.</summary>
    public int MaxInFlightPerConnection { get; set; } = 32;
}
