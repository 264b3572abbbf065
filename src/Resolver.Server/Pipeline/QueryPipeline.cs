using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;
using Resolver.Dns.Wire;
using Resolver.Firewall.BypassPrevention;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Managed;
using Resolver.Firewall.Model;
using Resolver.Server.Caching;
using Resolver.Server.Configuration;
using Resolver.Server.Detection;
using Resolver.Server.Firewall;
using Resolver.Server.Limits;
using Resolver.Server.QueryLogging;

namespace Resolver.Server.Pipeline;

/// <summary>
/// The per-query path shared by every listener: parse, judge by the firewall, answer locally what can be
/// answered (block responses, test domains, errors), forward the rest, and finish the upstream's answer for
/// the client (redirection chain inspection, ID, name case, truncation). Allocation-free.
/// </summary>
public sealed partial class QueryPipeline : IUpstreamCompletion
{
    /// <summary>Returned by <see cref="Handle"/> when the answer will come later through the sink.</summary>
    public const int Forwarded = -1;

    /// <summary>A locally made error answer: header, a question of at most 255 + 4 bytes, OPT.</summary>
    private const int MaxLocalAnswerSize = DnsHeader.Size + DnsName.MaxWireLength + 4 + EdnsInfo.OptRecordSize;

    /// <summary>TTL of the local answers to the managed lists' test domains: none, so a new rule shows at once.</summary>
    private const uint TestDomainTtl = 0;

    private readonly IQueryForwarder _forwarder;
    private readonly FirewallState _firewall;
    private readonly QueryLog _queryLog;
    private readonly ResponseCache _cache;
    private readonly ILogger _logger;
    private readonly ObjectPool<QueryContext> _contexts;
    private readonly int _maxUdpResponseSize;
    private readonly bool _dohCanary;
    private readonly QueryObservations _observations;
    private readonly ClientRateLimiter _rateLimiter;
    private readonly int _maxInFlight;
    private int _inFlight;

    public QueryPipeline(IQueryForwarder forwarder, IOptions<DnsServerOptions> options)
        : this(forwarder, new FirewallState(), QueryLog.Disabled, new ResponseCache(options), options, NullLogger<QueryPipeline>.Instance)
    {
    }

    public QueryPipeline(IQueryForwarder forwarder, FirewallState firewall, QueryLog queryLog, ResponseCache cache, IOptions<DnsServerOptions> options, ILogger<QueryPipeline> logger)
        : this(forwarder, firewall, queryLog, cache, QueryObservations.Disabled, options, logger)
    {
    }

    public QueryPipeline(IQueryForwarder forwarder, FirewallState firewall, QueryLog queryLog, ResponseCache cache, QueryObservations observations, IOptions<DnsServerOptions> options, ILogger<QueryPipeline> logger)
        : this(forwarder, firewall, queryLog, cache, observations, new ClientRateLimiter(options), options, logger)
    {
    }

    public QueryPipeline(IQueryForwarder forwarder, FirewallState firewall, QueryLog queryLog, ResponseCache cache, QueryObservations observations, ClientRateLimiter rateLimiter, IOptions<DnsServerOptions> options, ILogger<QueryPipeline> logger)
    {
        _observations = observations;
        _rateLimiter = rateLimiter;
        _maxInFlight = options.Value.Upstream.MaxInFlight;
        _cache = cache;
        _logger = logger;
        _forwarder = forwarder;
        _firewall = firewall;
        _queryLog = queryLog;
        _maxUdpResponseSize = options.Value.Udp.MaxResponseSize;
        _dohCanary = options.Value.BypassPrevention.DohCanary;
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
        if (status is DnsParseStatus.HeaderTooShort or DnsParseStatus.NotAQuery)
        {
            Counters.CountDropped();
            return 0;
        }

        // The client's budget is charged before anything else is spent on its query, malformed ones included.
        Span<byte> clientAddress = stackalloc byte[16];
        ClientAddresses.WriteMapped(client, clientAddress);
        if (!_rateLimiter.TryAcquire(clientAddress))
        {
            return RateLimited(request, query, transport, response);
        }

        switch (status)
        {
            case DnsParseStatus.Ok:
                break;
            case DnsParseStatus.Malformed:
                Counters.CountMalformed();
                return Counted(query.QuestionEnd > 0
                    ? DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.FormErr, (ushort)_maxUdpResponseSize, response)
                    : DnsResponseWriter.WriteHeaderOnly(request, DnsResponseCode.FormErr, response), response);
            case DnsParseStatus.NotImplemented:
                Counters.CountMalformed();
                return Counted(query.QuestionEnd > 0
                    ? DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.NotImp, (ushort)_maxUdpResponseSize, response)
                    : DnsResponseWriter.WriteHeaderOnly(request, DnsResponseCode.NotImp, response), response);
            default:
                Counters.CountMalformed();
                return Counted(DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.BadVers, (ushort)_maxUdpResponseSize, response), response);
        }

        Counters.CountType((ushort)query.Type);

        var firewall = _firewall.Current;
        Span<byte> lowerName = stackalloc byte[DnsName.MaxWireLength];
        lowerName = lowerName[..DnsName.CopyLowercase(request, DnsQuery.NameOffset, lowerName)];
        var network = firewall.SelectNetwork(clientAddress);
        var verdict = firewall.Evaluate(network, lowerName, (ushort)query.Type);
        CountVerdict(verdict);
        _observations.Record(lowerName, (ushort)query.Type, clientAddress, network, verdict.Rule);
        if (verdict.Kind == FirewallVerdictKind.Matched && verdict.Rule!.Rule.Action == FirewallAction.Alert && _logger.IsEnabled(LogLevel.Warning))
        {
            LogAlert(verdict.Rule, DnsName.ToText(request, DnsQuery.NameOffset), query.Type, network.Network.Name, ClientAddresses.ToText(client));
        }

        if (verdict.Blocks)
        {
            int length;
            if (verdict.Kind == FirewallVerdictKind.Unevaluable)
            {
                Counters.CountFailClosed();
                length = DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.ServFail, (ushort)_maxUdpResponseSize, response);
                Complete(request, query, response[..length], transport, client, network, null);
                return length;
            }

            Counters.CountBlocked();
            var rule = verdict.Rule!;
            if (rule.Rule.BlockResponse != BlockResponse.Override)
            {
                length = WriteBlockResponse(request, query, rule, response);
                Complete(request, query, response[..length], transport, client, network, rule);
                return length;
            }

            if (InFlight >= _maxInFlight)
            {
                return Overloaded(request, query, response, transport, client, network, rule);
            }

            var overrideContext = StartContext(request, query, transport, client, sink, firewall, network, inspectRedirection: false);
            overrideContext.MatchedRule = rule;
            length = Override(overrideContext, rule, response);
            if (length != Forwarded)
            {
                Complete(request, query, response[..length], transport, client, network, rule);
                Release(overrideContext);
            }

            return length;
        }

        if (_dohCanary && verdict.Kind != FirewallVerdictKind.Matched && DohCanaryDomain.Matches(lowerName))
        {
            Counters.CountLocalAnswer();
            Counters.CountDohCanary();
            var length = DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.NxDomain, (ushort)_maxUdpResponseSize, response);
            Complete(request, query, response[..length], transport, client, network, null);
            return length;
        }

        if (ManagedTestDomains.IsTestDomain(lowerName))
        {
            Counters.CountLocalAnswer();
            var length = WriteTestDomainAnswer(request, query, response);
            Complete(request, query, response[..length], transport, client, network, verdict.Rule);
            return length;
        }

        // The firewall has spoken first, so a rule change applies to cached names at once.
        Span<byte> cacheKey = stackalloc byte[CacheEntry.MaxKeyLength];
        var cacheKeyLength = 0;
        if (_cache.Enabled)
        {
            cacheKeyLength = ResponseCache.WriteKey(lowerName, query, cacheKey);
            var hit = _cache.TryServe(cacheKey[..cacheKeyLength], response, allowStale: false);
            if (hit.Hit)
            {
                var length = AnswerFromCache(request, query, response, hit, transport, client, firewall, network, verdict);
                if (length > 0)
                {
                    if (hit.ShouldPrefetch && InFlight < _maxInFlight)
                    {
                        Prefetch(request, query, transport, client, firewall, network, cacheKey[..cacheKeyLength]);
                    }

                    return length;
                }
            }
        }

        if (InFlight >= _maxInFlight)
        {
            return Overloaded(request, query, response, transport, client, network, verdict.Rule);
        }

        var context = StartContext(request, query, transport, client, sink, firewall, network, verdict.InspectsRedirection);
        context.MatchedRule = verdict.Rule;
        context.SetCacheKey(cacheKey[..cacheKeyLength]);
        Counters.CountForwarded();
        _forwarder.Forward(context);
        return Forwarded;
    }

    public void OnUpstreamResponse(QueryContext context, Span<byte> response)
    {
        Counters.CountUpstreamAnswer();
        if (context.OverrideRule is { } overrideRule)
        {
            FinishOverride(context, overrideRule, response);
            return;
        }

        if (context.InspectRedirection && FindBlockedRedirection(context, response) is { } blockingRule)
        {
            context.MatchedRule = blockingRule;
            Counters.CountRedirectionBlocked();
            Counters.CountBlocked();
            DnsHeader.SetId(context.QueryBytes, context.Query.Id);
            Span<byte> local = stackalloc byte[MaxLocalAnswerSize + DnsName.MaxWireLength + 12];
            var localLength = blockingRule.Rule.BlockResponse == BlockResponse.Override
                ? Override(context, blockingRule, local)
                : WriteBlockResponse(context.QueryBytes, context.Query, blockingRule, local);
            if (localLength != Forwarded)
            {
                Finish(context, local[..localLength]);
            }

            return;
        }

        // The forwarder matched the question ignoring case; the client gets its own spelling back.
        RestoreClientIdAndCase(context.QueryBytes, context.Query, response);
        if (context.CacheKey.Length > 0)
        {
            _cache.Store(context.CacheKey, response);
        }

        Finish(context, response[..FitToClient(response, response.Length, context.Query, context.Transport)]);
    }

    public void OnUpstreamFailure(QueryContext context)
    {
        if (_cache.Options.ServeStale && context.CacheKey.Length > 0 && context.OverrideRule is null && TryAnswerStale(context))
        {
            return;
        }

        Counters.CountServerFailure();
        Span<byte> answer = stackalloc byte[MaxLocalAnswerSize];
        var query = context.ClientQuery;
        if (context.OverrideRule is null)
        {
            DnsHeader.SetId(context.QueryBytes, query.Id);
        }

        var length = DnsResponseWriter.WriteRcodeResponse(context.ClientQueryBytes, query, DnsResponseCode.ServFail, (ushort)_maxUdpResponseSize, answer);
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

    /// <summary>ALERT: the query goes on, and the match is logged (and in the query log, when it is on).</summary>
    [LoggerMessage(Level = LogLevel.Warning, Message = "ALERT {Rule}: {Name} {Type} from {Client} in network {Network}")]
    private partial void LogAlert(CompiledRule rule, string name, DnsRecordType type, string network, string client);

    /// <summary>
    /// A query over its client's rate limit. Over UDP the source may be forged, so by default nothing is sent
    /// (no traffic reflected toward a victim, and each dropped packet costs the sender as much as us); over
    /// TCP the handshake proved the source, and REFUSED frees the client's pipelined slot at once. Not in the
    /// query log: a flood must not become a flood of log lines.
    /// </summary>
    private int RateLimited(ReadOnlySpan<byte> request, in DnsQuery query, DnsTransport transport, Span<byte> response)
    {
        Counters.CountRateLimited();
        if (_rateLimiter.Action == RateLimitAction.Drop && transport == DnsTransport.Udp)
        {
            return 0;
        }

        return Counted(query.QuestionEnd > 0
            ? DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.Refused, (ushort)_maxUdpResponseSize, response)
            : DnsResponseWriter.WriteHeaderOnly(request, DnsResponseCode.Refused, response), response);
    }

    /// <summary>
    /// <c>Upstream:MaxInFlight</c> queries already wait for upstreams: SERVFAIL at once, what the client would
    /// get if the upstreams failed, rather than silence, so it turns to another server instead of retrying
    /// into the same queue.
    /// </summary>
    private int Overloaded(ReadOnlySpan<byte> request, in DnsQuery query, Span<byte> response, DnsTransport transport, SocketAddress client, CompiledNetwork network, CompiledRule? rule)
    {
        Counters.CountOverloaded();
        var length = DnsResponseWriter.WriteRcodeResponse(request, query, DnsResponseCode.ServFail, (ushort)_maxUdpResponseSize, response);
        Complete(request, query, response[..length], transport, client, network, rule);
        return length;
    }

    /// <summary>
    /// Finishes a cache hit already copied into <paramref name="response"/>: the client's ID and name case,
    /// the current firewall's judgement of a cached CNAME chain, truncation. Returns 0 when the hit cannot
    /// be used as it is (a chain name now blocked with OVERRIDE: that needs the forwarding path).
    /// </summary>
    private int AnswerFromCache(ReadOnlySpan<byte> request, in DnsQuery query, Span<byte> response, CacheLookup hit, DnsTransport transport, SocketAddress client, CompiledFirewall firewall, CompiledNetwork network, in FirewallVerdict verdict)
    {
        var length = hit.Length;
        RestoreClientIdAndCase(request, query, response);
        if (hit.HasRedirection && verdict.InspectsRedirection
            && FindBlockedRedirection(firewall, network, (ushort)query.Type, response[..length]) is { } blockingRule)
        {
            if (blockingRule.Rule.BlockResponse == BlockResponse.Override)
            {
                return 0;
            }

            Counters.CountRedirectionBlocked();
            Counters.CountBlocked();
            length = WriteBlockResponse(request, query, blockingRule, response);
            Complete(request, query, response[..length], transport, client, network, blockingRule);
            return length;
        }

        length = FitToClient(response, length, query, transport);
        Counters.CountCacheAnswer();
        Complete(request, query, response[..length], transport, client, network, verdict.Rule);
        return length;
    }

    /// <summary>Refreshes a popular entry shortly before it expires, with the client's query, answering no one.</summary>
    private void Prefetch(ReadOnlySpan<byte> request, in DnsQuery query, DnsTransport transport, SocketAddress client, CompiledFirewall firewall, CompiledNetwork network, ReadOnlySpan<byte> cacheKey)
    {
        var context = StartContext(request, query, transport, client, NullResponseSink.Instance, firewall, network, inspectRedirection: false);
        context.IsPrefetch = true;
        context.SetCacheKey(cacheKey);
        Counters.CountPrefetch();
        _forwarder.Forward(context);
    }

    /// <summary>RFC 8767: every upstream failed, but an expired answer is still known; serve it with a short TTL.</summary>
    private bool TryAnswerStale(QueryContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ushort.MaxValue);
        try
        {
            var hit = _cache.TryServe(context.CacheKey, buffer, allowStale: true);
            if (!hit.Hit)
            {
                return false;
            }

            var answer = buffer.AsSpan(0, hit.Length);
            RestoreClientIdAndCase(context.QueryBytes, context.Query, answer);
            Counters.CountStaleAnswer();
            Finish(context, answer[..FitToClient(answer, hit.Length, context.Query, context.Transport)]);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Puts the client's ID and the exact case of its question name into an answer made for the same question.</summary>
    private static void RestoreClientIdAndCase(ReadOnlySpan<byte> clientQuery, in DnsQuery query, Span<byte> answer)
    {
        DnsHeader.SetId(answer, query.Id);
        clientQuery.Slice(DnsQuery.NameOffset, query.NameWireLength).CopyTo(answer[DnsQuery.NameOffset..]);
    }

    /// <summary>Cuts a UDP answer that exceeds the client's limit to header, question and OPT with TC=1; returns the length.</summary>
    private int FitToClient(Span<byte> answer, int length, in DnsQuery query, DnsTransport transport)
    {
        if (transport != DnsTransport.Udp)
        {
            return length;
        }

        var limit = query.MaxUdpResponseSize(_maxUdpResponseSize);
        if (length <= limit)
        {
            return length;
        }

        Counters.CountTruncated();
        return DnsResponseWriter.Truncate(answer, length, limit);
    }

    private QueryContext StartContext(ReadOnlySpan<byte> request, in DnsQuery query, DnsTransport transport, SocketAddress client, IDnsResponseSink sink, CompiledFirewall firewall, CompiledNetwork network, bool inspectRedirection)
    {
        var context = _contexts.Get();
        context.Initialize(request, query, transport, client, sink, Stopwatch.GetTimestamp());
        context.Firewall = firewall;
        context.Network = network;
        context.InspectRedirection = inspectRedirection;
        Interlocked.Increment(ref _inFlight);
        return context;
    }

    private int Counted(int length, ReadOnlySpan<byte> response)
    {
        Counters.CountRcode(response[..length]);
        return length;
    }

    // Every answer the pipeline makes passes here: counted by rcode, then offered to the query log.
    private void Complete(ReadOnlySpan<byte> clientQuery, in DnsQuery parsed, ReadOnlySpan<byte> answer, DnsTransport transport, SocketAddress client, CompiledNetwork? network, CompiledRule? rule)
    {
        Counters.CountRcode(answer);
        _queryLog.Record(clientQuery, parsed, answer, transport, client, network, rule);
    }

    private void CountVerdict(in FirewallVerdict verdict)
    {
        if (verdict.Kind != FirewallVerdictKind.Matched)
        {
            return;
        }

        verdict.Rule!.Hits.Increment();
        switch (verdict.Rule.Rule.Action)
        {
            case FirewallAction.Alert:
                Counters.CountAlert();
                break;
            case FirewallAction.Allow:
                Counters.CountAllowed();
                break;
        }
    }

    /// <summary>NODATA (NOERROR, empty answer) or NXDOMAIN, keeping the question, ID and EDNS; RA set.</summary>
    private int WriteBlockResponse(ReadOnlySpan<byte> request, in DnsQuery query, CompiledRule rule, Span<byte> response)
    {
        var rcode = rule.Rule.BlockResponse == BlockResponse.NxDomain ? DnsResponseCode.NxDomain : DnsResponseCode.NoError;
        return DnsResponseWriter.WriteRcodeResponse(request, query, rcode, (ushort)_maxUdpResponseSize, response);
    }

    private int WriteTestDomainAnswer(ReadOnlySpan<byte> request, in DnsQuery query, Span<byte> response)
    {
        var builder = new DnsAnswerBuilder(request, query, DnsResponseCode.NoError, response);
        if (query.Type == DnsRecordType.A && query.Class == 1)
        {
            builder.TryAddQuestionNameRecord(DnsRecordType.A, TestDomainTtl, ManagedTestDomains.Address);
        }

        return builder.Finish((ushort)_maxUdpResponseSize);
    }

    /// <summary>
    /// OVERRIDE: answers <c>query-name CNAME override-domain</c> and resolves the override domain through the
    /// firewall. When the firewall blocks that domain too, the answer stops at the CNAME with that rule's
    /// rcode (an OVERRIDE there would loop, so it ends the chain). Otherwise the override domain's query is
    /// forwarded and <see cref="FinishOverride"/> appends its records. Returns an answer length written to
    /// <paramref name="response"/> (the caller then finishes the context), or <see cref="Forwarded"/>.
    /// </summary>
    private int Override(QueryContext context, CompiledRule rule, Span<byte> response)
    {
        var target = rule.OverrideWireName!;
        var clientQuery = context.ClientQuery;
        var verdict = context.Firewall!.Evaluate(context.Network!, target, (ushort)clientQuery.Type);
        if (verdict.Blocks)
        {
            var rcode = verdict.Kind == FirewallVerdictKind.Unevaluable ? DnsResponseCode.ServFail
                : verdict.Rule!.Rule.BlockResponse == BlockResponse.NxDomain ? DnsResponseCode.NxDomain
                : DnsResponseCode.NoError;
            var builder = new DnsAnswerBuilder(context.ClientQueryBytes, clientQuery, rcode, response);
            builder.TryAddCname((uint)rule.Rule.BlockOverrideTtl, target);
            return builder.Finish((ushort)_maxUdpResponseSize);
        }

        Span<byte> overrideQuery = stackalloc byte[DnsHeader.Size + DnsName.MaxWireLength + 4 + EdnsInfo.OptRecordSize];
        var edns = clientQuery.Edns;
        var flags = (ushort)(clientQuery.Flags & (DnsHeader.FlagRd | DnsHeader.FlagCd));
        var queryLength = DnsQueryWriter.Write(overrideQuery, 0, flags, target, clientQuery.Type, edns.IsPresent ? (ushort)_maxUdpResponseSize : (ushort)0, edns.DnssecOk);
        DnsQueryParser.Parse(overrideQuery[..queryLength], out var parsedOverride);
        context.BeginOverride(rule, overrideQuery[..queryLength], parsedOverride);
        Counters.CountForwarded();
        _forwarder.Forward(context);
        return Forwarded;
    }

    /// <summary>Builds the OVERRIDE answer: the client's question, the CNAME, then the override domain's answer records.</summary>
    private void FinishOverride(QueryContext context, CompiledRule rule, ReadOnlySpan<byte> upstreamAnswer)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ushort.MaxValue);
        try
        {
            var clientQuery = context.ClientQuery;
            var builder = new DnsAnswerBuilder(context.ClientQueryBytes, clientQuery, DnsHeader.GetRcode(upstreamAnswer), buffer);
            builder.TryAddCname((uint)rule.Rule.BlockOverrideTtl, rule.OverrideWireName!);
            var reader = new DnsRecordReader(upstreamAnswer, DnsHeader.Size);
            var readable = reader.TryReadQuestion(out _, out _, out _);
            var answers = DnsHeader.GetAnswerCount(upstreamAnswer);
            for (var i = 0; readable && i < answers; i++)
            {
                if (!reader.TryRead(out var record) || !builder.TryCopyRecord(upstreamAnswer, record))
                {
                    break;
                }
            }

            var length = builder.Finish((ushort)_maxUdpResponseSize);
            Finish(context, buffer.AsSpan(0, FitToClient(buffer, length, clientQuery, context.Transport)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// INSPECT_REDIRECTION_DOMAIN: judges every CNAME/DNAME target of the answer by the same firewall snapshot
    /// and network as the query; returns the first BLOCK rule that matches one of them.
    /// </summary>
    private static CompiledRule? FindBlockedRedirection(QueryContext context, ReadOnlySpan<byte> answer) =>
        FindBlockedRedirection(context.Firewall!, context.Network!, (ushort)context.Query.Type, answer);

    private static CompiledRule? FindBlockedRedirection(CompiledFirewall firewall, CompiledNetwork network, ushort qtype, ReadOnlySpan<byte> answer)
    {
        if (answer.Length < DnsHeader.Size || DnsHeader.GetQuestionCount(answer) != 1)
        {
            return null;
        }

        var reader = new DnsRecordReader(answer, DnsHeader.Size);
        if (!reader.TryReadQuestion(out _, out _, out _))
        {
            return null;
        }

        Span<byte> target = stackalloc byte[DnsName.MaxWireLength];
        var answers = DnsHeader.GetAnswerCount(answer);
        for (var i = 0; i < answers; i++)
        {
            if (!reader.TryRead(out var record))
            {
                return null;
            }

            if (record.Type is not (DnsRecordType.CNAME or DnsRecordType.DNAME) || !DnsName.TrySkip(answer, record.RDataOffset, out _))
            {
                continue;
            }

            var length = DnsName.CopyLowercase(answer, record.RDataOffset, target);
            var verdict = firewall.Evaluate(network, target[..length], qtype);
            if (verdict.Kind == FirewallVerdictKind.Matched && verdict.Rule!.IsBlock)
            {
                return verdict.Rule;
            }
        }

        return null;
    }

    private void Release(QueryContext context)
    {
        Interlocked.Decrement(ref _inFlight);
        context.Reset();
        _contexts.Return(context);
    }

    private void Finish(QueryContext context, ReadOnlySpan<byte> answer)
    {
        try
        {
            if (!context.IsPrefetch)
            {
                Complete(context.ClientQueryBytes, context.ClientQuery, answer, context.Transport, context.ClientAddress, context.Network, context.MatchedRule);
            }

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
