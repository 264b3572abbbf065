using System.Net;
using System.Net.Sockets;
using Resolver.Dns.Wire;

namespace Resolver.Server.Pipeline;

/// <summary>
/// The state of one forwarded query from the client's packet to the answer, pooled and reused so that
/// forwarding allocates nothing. Fields rather than properties where the forwarder updates them often.
/// </summary>
public sealed class QueryContext
{
    private const int InitialBufferSize = 512;

    private byte[] _buffer = new byte[InitialBufferSize];

    /// <summary>The client's query as received; its ID bytes are overwritten with the upstream ID.</summary>
    public Span<byte> QueryBytes => _buffer.AsSpan(0, QueryLength);

    internal Memory<byte> QueryMemory => _buffer.AsMemory(0, QueryLength);

    public int QueryLength { get; private set; }

    public DnsQuery Query { get; private set; }

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

    internal void Initialize(ReadOnlySpan<byte> query, in DnsQuery parsed, DnsTransport transport, SocketAddress client, IDnsResponseSink sink, long timestamp)
    {
        if (query.Length > _buffer.Length)
        {
            _buffer = new byte[Math.Max(query.Length, _buffer.Length * 2)];
        }

        query.CopyTo(_buffer);
        QueryLength = query.Length;
        Query = parsed;
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

    internal void Reset()
    {
        Sink = null;
        PendingPrevious = null;
        PendingNext = null;
    }
}
