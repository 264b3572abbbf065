using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Resolver.Server.Upstreams;

/// <summary>
/// One upstream: its UDP sockets, its pending queries, its TCP client and its health. Health is a
/// consecutive-failure count: past the threshold the upstream is avoided for a back-off period, after
/// which the next query tries it again (a success resets the count).
/// </summary>
public sealed class UpstreamServer : IDisposable
{
    private readonly int _failureThreshold;
    private readonly long _backoffTicks;
    private int _consecutiveFailures;
    private long _downUntil;
    private long _queries;
    private long _failures;

    internal UpstreamServer(int index, IPEndPoint endPoint, int socketCount, int failureThreshold, TimeSpan downBackoff, int maxIdleTcp)
    {
        Index = index;
        EndPoint = endPoint;
        _failureThreshold = failureThreshold;
        _backoffTicks = (long)(downBackoff.TotalSeconds * Stopwatch.Frequency);
        Sockets = new Socket[socketCount];
        for (var i = 0; i < socketCount; i++)
        {
            Sockets[i] = OpenConnectedSocket(endPoint);
        }

        Tcp = new TcpUpstreamClient(endPoint, maxIdleTcp);
    }

    public int Index { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>Queries sent to this upstream (attempts, UDP and TCP).</summary>
    public long Queries => Interlocked.Read(ref _queries);

    /// <summary>Attempts that timed out or failed.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public int Outstanding => Pending.Count;

    internal Socket[] Sockets { get; }

    internal PendingQueryTable Pending { get; } = new();

    internal TcpUpstreamClient Tcp { get; }

    public bool IsHealthy(long now) =>
        Volatile.Read(ref _consecutiveFailures) < _failureThreshold || now >= Volatile.Read(ref _downUntil);

    /// <summary>
    /// Receives the round-trip time of each answered attempt, in seconds (the metrics' histogram); set once
    /// at start. A delegate rather than a metrics type keeps the server free of the metrics library.
    /// </summary>
    public Action<double>? LatencyObserver { get; set; }

    internal void ObserveLatency(long elapsedTicks) =>
        LatencyObserver?.Invoke((double)elapsedTicks / System.Diagnostics.Stopwatch.Frequency);

    internal void CountQuery() => Interlocked.Increment(ref _queries);

    internal void RecordSuccess()
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }
    }

    internal void RecordFailure(long now)
    {
        Interlocked.Increment(ref _failures);
        if (Interlocked.Increment(ref _consecutiveFailures) >= _failureThreshold)
        {
            Volatile.Write(ref _downUntil, now + _backoffTicks);
        }
    }

    /// <summary>The upstream refused outright (ICMP port unreachable): no point waiting for timeouts.</summary>
    internal void MarkDown(long now)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _consecutiveFailures, Math.Max(Volatile.Read(ref _consecutiveFailures), _failureThreshold));
        Volatile.Write(ref _downUntil, now + _backoffTicks);
    }

    public void Dispose()
    {
        foreach (var socket in Sockets)
        {
            // Shutdown first: it wakes a thread blocked in recv, which a bare close does not promise.
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Not connected any more.
            }

            socket.Dispose();
        }

        Tcp.Dispose();
    }

    /// <summary>
    /// A connected socket on a port the kernel picks at random: the kernel then drops datagrams from any
    /// other source, and reports ICMP errors from the upstream, which an unconnected socket would not.
    /// </summary>
    private static Socket OpenConnectedSocket(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            socket.Connect(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
