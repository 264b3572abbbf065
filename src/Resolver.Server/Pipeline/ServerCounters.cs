namespace Resolver.Server.Pipeline;

/// <summary>Lock-free counters of what the pipeline did, for logs, tests and the metrics endpoint.</summary>
public sealed class ServerCounters
{
    private long _udpQueries;
    private long _tcpQueries;
    private long _dropped;
    private long _malformed;
    private long _forwarded;
    private long _upstreamAnswers;
    private long _serverFailures;
    private long _truncated;

    public long UdpQueries => Interlocked.Read(ref _udpQueries);

    public long TcpQueries => Interlocked.Read(ref _tcpQueries);

    /// <summary>Packets not answered at all: shorter than a header, or responses rather than queries.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queries answered FORMERR, NOTIMP or BADVERS.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long UpstreamAnswers => Interlocked.Read(ref _upstreamAnswers);

    /// <summary>Queries answered SERVFAIL because no upstream answered in time.</summary>
    public long ServerFailures => Interlocked.Read(ref _serverFailures);

    /// <summary>UDP answers cut down with TC=1 because they exceeded the client's limit.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    internal void CountQuery(DnsTransport transport)
    {
        if (transport == DnsTransport.Udp)
        {
            Interlocked.Increment(ref _udpQueries);
        }
        else
        {
            Interlocked.Increment(ref _tcpQueries);
        }
    }

    internal void CountDropped() => Interlocked.Increment(ref _dropped);

    internal void CountMalformed() => Interlocked.Increment(ref _malformed);

    internal void CountForwarded() => Interlocked.Increment(ref _forwarded);

    internal void CountUpstreamAnswer() => Interlocked.Increment(ref _upstreamAnswers);

    internal void CountServerFailure() => Interlocked.Increment(ref _serverFailures);

    internal void CountTruncated() => Interlocked.Increment(ref _truncated);
}
