using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;
using Resolver.Dns.Wire;
using Resolver.Server.Configuration;

namespace Resolver.Server.Pipeline;

/// <summary>
/// The per-query path shared by every listener: parse, answer locally what can be answered, forward the
/// rest, and finish the upstream's answer for the client (ID, name case, truncation). Allocation-free.
/// </summary>
public sealed class QueryPipeline : IUpstreamCompletion
{
    /// <summary>Returned by <see cref="Handle"/> when the answer will come later through the sink.</summary>
    public const int Forwarded = -1;

    /// <summary>A locally made error answer: header, a question of at most 255 + 4 bytes, OPT.</summary>
    private const int MaxLocalAnswerSize = DnsHeader.Size + DnsName.MaxWireLength + 4 + EdnsInfo.OptRecordSize;

    private readonly IQueryForwarder _forwarder;
    private readonly ObjectPool<QueryContext> _contexts;
    private readonly int _maxUdpResponseSize;
    private int _inFlight;

    public QueryPipeline(IQueryForwarder forwarder, IOptions<DnsServerOptions> options)
    {
        _forwarder = forwarder;
        _maxUdpResponseSize = options.Value.Udp.MaxResponseSize;
        _contexts = new DefaultObjectPool<QueryContext>(new QueryContextPolicy(), 4096);
        forwarder.Attach(this);
    }

    public ServerCounters Counters { get; } = new();

    /// <summary>Queries handed to the forwarder and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Handles one received message. Returns the length of an answer written to <paramref name="response"/>,
    /// 0 when the message is dropped, or <see cref="Forwarded"/> when the answer goes to the sink later.
    /// </summary>
    public int Handle(ReadOnlySpan<byte> request, Span<byte> response, DnsTransport transport, SocketAddress client, IDnsResponseSink sink)
    {
        Counters.CountQuery(transport);
        var status = DnsQueryParser.Parse(request, out var query);
        switch (status)
        {
            case DnsParseStatus.Ok:
                break;
            case DnsParseStatus.HeaderTooShort:
            case DnsParseStatus.NotAQuery:
                Counters.CountDropped();
                return 0;
            case DnsParseStatus.Malformed:
                Counters.CountMalformed();
                return query.QuestionEnd > 0
                    ? DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.FormErr, (ushort)_maxUdpResponseSize, response)
                    : DnsResponseWriter.WriteHeaderOnly(request, DnsResponseCode.FormErr, response);
            case DnsParseStatus.NotImplemented:
                Counters.CountMalformed();
                return query.QuestionEnd > 0
                    ? DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.NotImp, (ushort)_maxUdpResponseSize, response)
                    : DnsResponseWriter.WriteHeaderOnly(request, DnsResponseCode.NotImp, response);
            default:
                Counters.CountMalformed();
                return DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.BadVers, (ushort)_maxUdpResponseSize, response);
        }

        var context = _contexts.Get();
        context.Initialize(request, query, transport, client, sink, Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _inFlight);
        Counters.CountForwarded();
        _forwarder.Forward(context);
        return Forwarded;
    }

    public void OnUpstreamResponse(QueryContext context, Span<byte> response)
    {
        Counters.CountUpstreamAnswer();
        DnsHeader.SetId(response, context.Query.Id);

        // The forwarder matched the question ignoring case; the client gets its own spelling back.
        context.QueryBytes.Slice(DnsQuery.NameOffset, context.Query.NameWireLength).CopyTo(response[DnsQuery.NameOffset..]);
        var length = response.Length;
        if (context.Transport == DnsTransport.Udp)
        {
            var limit = context.Query.MaxUdpResponseSize(_maxUdpResponseSize);
            if (length > limit)
            {
                length = DnsResponseWriter.Truncate(response, length, limit);
                Counters.CountTruncated();
            }
        }

        Finish(context, response[..length]);
    }

    public void OnUpstreamFailure(QueryContext context)
    {
        Counters.CountServerFailure();
        Span<byte> answer = stackalloc byte[MaxLocalAnswerSize];
        var query = context.Query;
        DnsHeader.SetId(context.QueryBytes, query.Id);
        var length = DnsResponseWriter.WriteRcodeResponse(context.QueryBytes, query, DnsResponseCode.ServFail, (ushort)_maxUdpResponseSize, answer);
        Finish(context, answer[..length]);
    }

    /// <summary>Waits until every forwarded query is answered, or the timeout passes.</summary>
    public async Task<bool> WaitForDrainAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (InFlight > 0)
        {
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return false;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        return true;
    }

    private void Finish(QueryContext context, ReadOnlySpan<byte> answer)
    {
        try
        {
            context.Sink?.SendResponse(context, answer);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            context.Reset();
            _contexts.Return(context);
        }
    }

    private sealed class QueryContextPolicy : PooledObjectPolicy<QueryContext>
    {
        public override QueryContext Create() => new();

        public override bool Return(QueryContext obj) => true;
    }
}
