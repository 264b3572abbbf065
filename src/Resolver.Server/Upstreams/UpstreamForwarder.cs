using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolver.Dns.Wire;
using Resolver.Server.Configuration;
using Resolver.Server.Pipeline;

namespace Resolver.Server.Upstreams;

/// <summary>
/// Forwards queries to the upstreams: picks the healthy upstream with the fewest queries in flight,
/// sends with a random ID from a random one of its sockets, matches replies, retries on the next
/// upstream after an attempt timeout, falls back to TCP on a truncated reply, and gives up with
/// SERVFAIL when the query's time budget or attempts run out. Callback-driven: no task per query.
/// </summary>
public sealed partial class UpstreamForwarder : IQueryForwarder, IAsyncDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>How often a receive thread with nothing to read checks whether the forwarder stops.</summary>
    private const int PollTimeoutMicroseconds = 200_000;

    private readonly UpstreamServer[] _upstreams;
    private readonly UpstreamOptions _options;
    private readonly long _attemptTicks;
    private readonly long _queryTicks;
    private readonly ILogger<UpstreamForwarder> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Thread> _receiveThreads = [];
    private Task _sweepLoop = Task.CompletedTask;
    private IUpstreamCompletion? _completion;
    private long _mismatchedReplies;
    private int _started;
    private int _disposed;
    private int _tcpExchanges;

    public UpstreamForwarder(ResolvedServerEndpoints endpoints, IOptions<DnsServerOptions> options, ILogger<UpstreamForwarder> logger)
    {
        _options = options.Value.Upstream;
        _logger = logger;
        _attemptTicks = ToTicks(_options.AttemptTimeout);
        _queryTicks = ToTicks(_options.QueryTimeout);
        _upstreams = new UpstreamServer[endpoints.Upstreams.Count];
        for (var i = 0; i < _upstreams.Length; i++)
        {
            _upstreams[i] = new UpstreamServer(i, endpoints.Upstreams[i], _options.SocketsPerUpstream, _options.FailureThreshold, _options.DownBackoff, _options.MaxIdleTcpConnections);
        }
    }

    public IReadOnlyList<UpstreamServer> Upstreams => _upstreams;

    /// <summary>Replies dropped because no query in flight matched their ID, socket and question.</summary>
    public long MismatchedReplies => Interlocked.Read(ref _mismatchedReplies);

    public void Attach(IUpstreamCompletion completion) => _completion = completion;

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        foreach (var upstream in _upstreams)
        {
            var thread = new Thread(() => ReceiveLoop(upstream)) { IsBackground = true, Name = $"dns-upstream-{upstream.Index}" };
            _receiveThreads.Add(thread);
            thread.Start();
        }

        _sweepLoop = Task.Run(SweepLoopAsync);
    }

    public void Forward(QueryContext context)
    {
        var now = Stopwatch.GetTimestamp();
        if (context.Attempts == 0)
        {
            context.OverallDeadline = now + _queryTicks;
        }

        var previousUpstream = context.UpstreamIndex;
        var upstream = Select(context, now);
        context.Attempts++;
        context.TriedUpstreams |= 1UL << upstream.Index;
        context.UpstreamIndex = upstream.Index;
        context.AttemptStart = now;
        upstream.CountQuery();
        if (_options.TcpOnly)
        {
            _ = ExchangeOverTcpAsync(context, upstream);
            return;
        }

        // A retry on the same upstream is a retransmission: same socket, same ID, so the answer to the earlier
        // send, if it is merely late, is still accepted (as stub resolvers retransmit).
        var retransmit = previousUpstream == upstream.Index && context.SocketIndex >= 0;
        var socketIndex = retransmit ? context.SocketIndex : SecureRandomSource.Next(upstream.Sockets.Length);
        context.SocketIndex = socketIndex;
        // The last attempt, or one after which no full attempt would fit, gets the rest of the budget: an
        // upstream slower than one attempt but within the query timeout still gets its answer through.
        var attemptDeadline = now + _attemptTicks;
        if (context.Attempts >= _options.MaxAttempts || context.OverallDeadline - attemptDeadline < _attemptTicks)
        {
            attemptDeadline = context.OverallDeadline;
        }

        if (!upstream.Pending.TryAdd(context, Math.Min(attemptDeadline, context.OverallDeadline), retransmit ? context.UpstreamId : -1))
        {
            upstream.RecordFailure(now);
            RetryOrFail(context);
            return;
        }

        try
        {
            upstream.Sockets[socketIndex].Send(context.QueryBytes, SocketFlags.None);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            if (upstream.Pending.TryRemove(context))
            {
                upstream.MarkDown(now);
                RetryOrFail(context);
            }
        }
    }

    /// <summary>Stops receiving and answers SERVFAIL to whatever is still in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        // The hosted service stops the forwarder first; the container disposes it again at the end.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        var leftovers = new List<QueryContext>();
        foreach (var upstream in _upstreams)
        {
            upstream.Pending.TakeAll(leftovers);
        }

        foreach (var context in leftovers)
        {
            _completion?.OnUpstreamFailure(context);
        }

        // TCP exchanges see the cancellation and answer SERVFAIL themselves; wait (bounded) until they have,
        // so those answers go out before the listeners close.
        var waitUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 2;
        while (Volatile.Read(ref _tcpExchanges) > 0 && Stopwatch.GetTimestamp() < waitUntil)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }

        foreach (var upstream in _upstreams)
        {
            upstream.Dispose();
        }

        await _sweepLoop.ConfigureAwait(false);
        foreach (var thread in _receiveThreads)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }

        _stopping.Dispose();
    }

    /// <summary>Moves queries whose attempt timed out to their next attempt, or fails them.</summary>
    internal void Sweep(List<QueryContext> expired)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var upstream in _upstreams)
        {
            expired.Clear();
            upstream.Pending.TakeExpired(now, expired);
            foreach (var context in expired)
            {
                upstream.RecordFailure(now);
                RetryOrFail(context);
            }
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Untried and healthy first, then tried and healthy, then the unhealthy; fewest in flight among equals.</summary>
    private UpstreamServer Select(QueryContext context, long now)
    {
        var best = _upstreams[0];
        var bestRank = int.MaxValue;
        var bestLoad = int.MaxValue;
        foreach (var upstream in _upstreams)
        {
            var tried = (context.TriedUpstreams & (1UL << upstream.Index)) != 0;
            var rank = (upstream.IsHealthy(now) ? 0 : 2) + (tried ? 1 : 0);
            var load = upstream.Outstanding;
            if (rank < bestRank || (rank == bestRank && load < bestLoad))
            {
                best = upstream;
                bestRank = rank;
                bestLoad = load;
            }
        }

        return best;
    }

    private void RetryOrFail(QueryContext context)
    {
        if (context.Attempts >= _options.MaxAttempts || Stopwatch.GetTimestamp() >= context.OverallDeadline || _stopping.IsCancellationRequested)
        {
            _completion!.OnUpstreamFailure(context);
            return;
        }

        Forward(context);
    }

    /// <summary>
    /// One dedicated thread per upstream waits on all of its sockets at once (poll) and reads the ready
    /// ones with blocking receives, which then return at once. One thread per socket would cost a
    /// context switch per reply as soon as there are more sockets than cores; one thread that sees
    /// all of an upstream's replies finds several ready per wake-up under load.
    /// </summary>
    private void ReceiveLoop(UpstreamServer upstream)
    {
        var sockets = upstream.Sockets;
        var buffer = GC.AllocateArray<byte>(ushort.MaxValue, pinned: true);
        var ready = new List<Socket>(sockets.Length);

        // A connected UDP socket holding an ICMP port-unreachable is reported in the error list only
        // (POLLERR); its receive then raises ConnectionRefused, which moves its queries on at once.
        var failed = new List<Socket>(sockets.Length);
        while (!_stopping.IsCancellationRequested)
        {
            ready.Clear();
            failed.Clear();
            foreach (var socket in sockets)
            {
                ready.Add(socket);
                failed.Add(socket);
            }

            try
            {
                Socket.Select(ready, null, failed, PollTimeoutMicroseconds);
            }
            catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
            {
                return;
            }

            for (var socketIndex = 0; socketIndex < sockets.Length; socketIndex++)
            {
                var socket = sockets[socketIndex];
                if ((ready.Contains(socket) || failed.Contains(socket)) && !ReceiveOne(upstream, socketIndex, buffer))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Reads and handles one datagram from a socket that poll reported ready; false once stopping.</summary>
    private bool ReceiveOne(UpstreamServer upstream, int socketIndex, byte[] buffer)
    {
        int received;
        try
        {
            received = upstream.Sockets[socketIndex].Receive(buffer, SocketFlags.None);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused)
        {
            OnUpstreamRefused(upstream);
            return true;
        }
        catch (SocketException exception)
        {
            LogReceiveError(_logger, upstream.EndPoint, exception.SocketErrorCode);
            return !_stopping.IsCancellationRequested;
        }

        try
        {
            OnReply(upstream, socketIndex, buffer.AsSpan(0, received));
        }
        catch (Exception exception)
        {
            LogReplyFailed(_logger, upstream.EndPoint, exception);
        }

        return true;
    }

    private void OnReply(UpstreamServer upstream, int socketIndex, Span<byte> reply)
    {
        var context = upstream.Pending.TryTakeMatching(reply, socketIndex);
        if (context is null)
        {
            Interlocked.Increment(ref _mismatchedReplies);
            return;
        }

        upstream.RecordSuccess();
        upstream.ObserveLatency(Stopwatch.GetTimestamp() - context.AttemptStart);
        if ((DnsHeader.GetFlags(reply) & DnsHeader.FlagTc) != 0)
        {
            _ = ExchangeOverTcpAsync(context, upstream);
            return;
        }

        _completion!.OnUpstreamResponse(context, reply);
    }

    /// <summary>ICMP port unreachable: nothing listens there, so its queries move on now rather than time out.</summary>
    private void OnUpstreamRefused(UpstreamServer upstream)
    {
        var now = Stopwatch.GetTimestamp();
        upstream.MarkDown(now);
        LogUpstreamRefused(_logger, upstream.EndPoint);
        var pending = new List<QueryContext>();
        upstream.Pending.TakeAll(pending);
        foreach (var context in pending)
        {
            RetryOrFail(context);
        }
    }

    private async Task ExchangeOverTcpAsync(QueryContext context, UpstreamServer upstream)
    {
        Interlocked.Increment(ref _tcpExchanges);
        var buffer = ArrayPool<byte>.Shared.Rent(ushort.MaxValue);
        try
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), context.OverallDeadline);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException("the query's time budget ran out before the TCP attempt");
            }

            // Like a UDP attempt: one attempt's time, unless no further attempt would fit after it.
            var attempt = TimeSpan.FromSeconds((double)_attemptTicks / Stopwatch.Frequency);
            if (context.Attempts < _options.MaxAttempts && remaining - attempt >= attempt)
            {
                remaining = attempt;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(remaining);
            var id = SecureRandomSource.NextUInt16();
            DnsHeader.SetId(context.QueryBytes, id);
            var length = await upstream.Tcp.ExchangeAsync(context.QueryMemory, buffer, timeout.Token).ConfigureAwait(false);
            if (!IsAnswerTo(context, id, buffer.AsSpan(0, length)))
            {
                throw new InvalidDataException("the TCP answer does not match the query");
            }

            upstream.RecordSuccess();
            upstream.ObserveLatency(Stopwatch.GetTimestamp() - context.AttemptStart);
            _completion!.OnUpstreamResponse(context, buffer.AsSpan(0, length));
        }
        catch (Exception exception)
        {
            upstream.RecordFailure(Stopwatch.GetTimestamp());
            LogTcpAttemptFailed(_logger, upstream.EndPoint, exception.Message);
            RetryOrFail(context);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Decrement(ref _tcpExchanges);
        }
    }

    private static bool IsAnswerTo(QueryContext context, ushort id, ReadOnlySpan<byte> reply) =>
        reply.Length >= DnsHeader.Size
        && DnsHeader.GetId(reply) == id
        && (DnsHeader.GetFlags(reply) & DnsHeader.FlagQr) != 0
        && DnsHeader.GetQuestionCount(reply) == 1
        && PendingQueryTable.QuestionMatches(context, reply);

    private async Task SweepLoopAsync()
    {
        using var timer = new PeriodicTimer(SweepInterval);
        var expired = new List<QueryContext>(256);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                Sweep(expired);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream {Upstream} refused (ICMP port unreachable); marked down")]
    private static partial void LogUpstreamRefused(ILogger logger, IPEndPoint upstream);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Receive error from upstream {Upstream}: {Error}")]
    private static partial void LogReceiveError(ILogger logger, IPEndPoint upstream, SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a reply from upstream {Upstream} failed")]
    private static partial void LogReplyFailed(ILogger logger, IPEndPoint upstream, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TCP attempt to upstream {Upstream} failed: {Reason}")]
    private static partial void LogTcpAttemptFailed(ILogger logger, IPEndPoint upstream, string reason);
}
