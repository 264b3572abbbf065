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
    private long _blocked;
    private long _alerts;
    private long _allowed;
    private long _failClosed;
    private long _redirectionBlocked;
    private long _localAnswers;
    private long _dohCanaryAnswers;
    private long _cacheAnswers;
    private long _staleAnswers;
    private long _prefetches;
    private long _rateLimited;
    private long _overloaded;
    private long _tcpClientConnectionsRefused;
    private readonly long[] _byType = new long[QueryTypeBuckets.Count];
    private readonly long[] _byRcode = new long[16];

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

    /// <summary>Queries answered with a block response (the query name or a name of its CNAME chain).</summary>
    public long Blocked => Interlocked.Read(ref _blocked);

    /// <summary>Queries that matched an ALERT rule and went on.</summary>
    public long Alerts => Interlocked.Read(ref _alerts);

    /// <summary>Queries that matched an ALLOW rule.</summary>
    public long Allowed => Interlocked.Read(ref _allowed);

    /// <summary>Queries answered SERVFAIL because their network's rules could not be evaluated (fail closed).</summary>
    public long FailClosed => Interlocked.Read(ref _failClosed);

    /// <summary>Answers replaced by a block response because a name of their CNAME/DNAME chain was blocked.</summary>
    public long RedirectionBlocked => Interlocked.Read(ref _redirectionBlocked);

    /// <summary>Queries answered locally: the managed lists' test domains and the DoH canary.</summary>
    public long LocalAnswers => Interlocked.Read(ref _localAnswers);

    /// <summary>Queries for Firefox's DoH canary answered NXDOMAIN (also counted in <see cref="LocalAnswers"/>).</summary>
    public long DohCanaryAnswers => Interlocked.Read(ref _dohCanaryAnswers);

    /// <summary>Queries answered from the response cache.</summary>
    public long CacheAnswers => Interlocked.Read(ref _cacheAnswers);

    /// <summary>Queries answered with an expired cache entry because every upstream failed (RFC 8767).</summary>
    public long StaleAnswers => Interlocked.Read(ref _staleAnswers);

    /// <summary>Background refreshes of popular cache entries.</summary>
    public long Prefetches => Interlocked.Read(ref _prefetches);

    /// <summary>Queries over their client's rate limit: dropped or answered REFUSED (<c>RateLimit:Action</c>).</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Queries answered SERVFAIL at once because <c>Upstream:MaxInFlight</c> queries were already in flight.</summary>
    public long Overloaded => Interlocked.Read(ref _overloaded);

    /// <summary>TCP connections closed at once because their client had <c>Tcp:MaxConnectionsPerClient</c> open.</summary>
    public long TcpClientConnectionsRefused => Interlocked.Read(ref _tcpClientConnectionsRefused);

    internal void CountRateLimited() => Interlocked.Increment(ref _rateLimited);

    internal void CountOverloaded() => Interlocked.Increment(ref _overloaded);

    internal void CountTcpClientConnectionRefused() => Interlocked.Increment(ref _tcpClientConnectionsRefused);

    internal void CountCacheAnswer() => Interlocked.Increment(ref _cacheAnswers);

    internal void CountStaleAnswer() => Interlocked.Increment(ref _staleAnswers);

    internal void CountPrefetch() => Interlocked.Increment(ref _prefetches);

    internal void CountBlocked() => Interlocked.Increment(ref _blocked);

    internal void CountAlert() => Interlocked.Increment(ref _alerts);

    internal void CountAllowed() => Interlocked.Increment(ref _allowed);

    internal void CountFailClosed() => Interlocked.Increment(ref _failClosed);

    internal void CountRedirectionBlocked() => Interlocked.Increment(ref _redirectionBlocked);

    internal void CountLocalAnswer() => Interlocked.Increment(ref _localAnswers);

    internal void CountDohCanary() => Interlocked.Increment(ref _dohCanaryAnswers);

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

    /// <summary>Queries received per query type bucket (<see cref="QueryTypeBuckets"/>).</summary>
    public long QueriesOfType(int bucket) => Interlocked.Read(ref _byType[bucket]);

    /// <summary>Answers sent with response code <paramref name="rcode"/> (0-15).</summary>
    public long AnswersWithRcode(int rcode) => Interlocked.Read(ref _byRcode[rcode]);

    internal void CountType(ushort qtype) => Interlocked.Increment(ref _byType[QueryTypeBuckets.Of(qtype)]);

    internal void CountRcode(ReadOnlySpan<byte> answer)
    {
        if (answer.Length >= 4)
        {
            Interlocked.Increment(ref _byRcode[answer[3] & 0xF]);
        }
    }
}
