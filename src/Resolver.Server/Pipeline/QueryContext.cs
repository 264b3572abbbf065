using System.Net;
using System.Net.Sockets;
using Resolver.Dns.Wire;
using Resolver.Firewall.Evaluation;

namespace Resolver.Server.Pipeline;

/// <summary>
/// The state of one forwarded query from the client's packet to the answer, pooled and reused so that
/// forwarding allocates nothing. Fields rather than properties where the forwarder updates them often.
/// </summary>
public sealed class QueryContext
{
    private const int InitialBufferSize = 512;

    private byte[] _buffer = new byte[InitialBufferSize];
    private byte[] _clientBuffer = [];
    private int _clientLength;

    /// <summary>The client's query as received; its ID bytes are overwritten with the upstream ID.</summary>
    public Span<byte> QueryBytes => _buffer.AsSpan(0, QueryLength);

    internal Memory<byte> QueryMemory => _buffer.AsMemory(0, QueryLength);

    public int QueryLength { get; private set; }

    /// <summary>The query being forwarded: the client's, or the override domain's after an OVERRIDE block.</summary>
    public DnsQuery Query { get; private set; }

    /// <summary>The client's own query, which the final answer must match.</summary>
    public DnsQuery ClientQuery { get; private set; }

    /// <summary>The client's query bytes (with its ID) once an override query replaced them for forwarding.</summary>
    public ReadOnlySpan<byte> ClientQueryBytes => OverrideRule is null ? QueryBytes : _clientBuffer.AsSpan(0, _clientLength);

    public DnsTransport Transport { get; private set; }

    /// <summary>The client's address; sized for IPv6 so one object serves both families.</summary>
    public SocketAddress ClientAddress { get; } = new(AddressFamily.InterNetworkV6);

    public IDnsResponseSink? Sink { get; private set; }

    /// <summary>Stopwatch timestamp of arrival.</summary>
    public long StartTimestamp { get; private set; }

    // Forwarder bookkeeping, touched only by the forwarder and under its table locks.
    internal int Attempts;
    internal ulong TriedUpstreams;
    internal long OverallDeadline;
    internal long AttemptDeadline;
    internal long AttemptStart;
    internal ushort UpstreamId;
    internal int UpstreamIndex;
    internal int SocketIndex;
    internal QueryContext? PendingPrevious;
    internal QueryContext? PendingNext;

    // Firewall state: the snapshot and network the query was judged by, so the answer is judged alike.
    internal CompiledFirewall? Firewall;
    internal CompiledNetwork? Network;
    internal bool InspectRedirection;
    internal CompiledRule? OverrideRule;

    /// <summary>The rule that decided the query (for the query log), if any.</summary>
    internal CompiledRule? MatchedRule;

    /// <summary>A background refresh of a cache entry: its answer goes to the cache only.</summary>
    internal bool IsPrefetch;

    private readonly byte[] _cacheKey = new byte[Caching.CacheEntry.MaxKeyLength];
    private int _cacheKeyLength;

    /// <summary>The cache key of the client's query; empty when the answer is not to be cached.</summary>
    internal ReadOnlySpan<byte> CacheKey => _cacheKey.AsSpan(0, _cacheKeyLength);

    internal void SetCacheKey(ReadOnlySpan<byte> key)
    {
        key.CopyTo(_cacheKey);
        _cacheKeyLength = key.Length;
    }

    internal void Initialize(ReadOnlySpan<byte> query, in DnsQuery parsed, DnsTransport transport, SocketAddress client, IDnsResponseSink sink, long timestamp)
    {
        if (query.Length > _buffer.Length)
        {
            _buffer = new byte[Math.Max(query.Length, _buffer.Length * 2)];
        }

        query.CopyTo(_buffer);
        QueryLength = query.Length;
        Query = parsed;
        ClientQuery = parsed;
        Transport = transport;
        client.Buffer.Span[..client.Size].CopyTo(ClientAddress.Buffer.Span);
        ClientAddress.Size = client.Size;
        Sink = sink;
        StartTimestamp = timestamp;
        Attempts = 0;
        TriedUpstreams = 0;
        UpstreamIndex = -1;
        SocketIndex = -1;
    }

    /// <summary>
    /// Keeps the client's query aside and puts the override domain's query in its place, to be forwarded
    /// as a new query (fresh attempts and deadline: it is a different question).
    /// </summary>
    internal void BeginOverride(CompiledRule rule, ReadOnlySpan<byte> overrideQuery, in DnsQuery parsedOverride)
    {
        if (_clientBuffer.Length < QueryLength)
        {
            _clientBuffer = new byte[Math.Max(QueryLength, InitialBufferSize)];
        }

        QueryBytes.CopyTo(_clientBuffer);
        _clientLength = QueryLength;
        DnsHeader.SetId(_clientBuffer, ClientQuery.Id);
        if (overrideQuery.Length > _buffer.Length)
        {
            _buffer = new byte[overrideQuery.Length];
        }

        overrideQuery.CopyTo(_buffer);
        QueryLength = overrideQuery.Length;
        Query = parsedOverride;
        OverrideRule = rule;
        InspectRedirection = false;
        Attempts = 0;
        TriedUpstreams = 0;
        UpstreamIndex = -1;
        SocketIndex = -1;
    }

    internal void Reset()
    {
        Firewall = null;
        Network = null;
        InspectRedirection = false;
        OverrideRule = null;
        MatchedRule = null;
        IsPrefetch = false;
        _cacheKeyLength = 0;
        Sink = null;
        PendingPrevious = null;
        PendingNext = null;
    }
}
