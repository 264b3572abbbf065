using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Resolver.Testing;

/// <summary>
/// A DNS server for tests on 127.0.0.1 (UDP and TCP on one free port) whose every answer a test
/// decides: answer, delay, drop, or send several datagrams (to spoof). It records what it received and
/// what it sent, so a test can compare bytes end to end.
/// </summary>
public sealed class TestUpstream : IAsyncDisposable
{
    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly Func<UpstreamRequest, UpstreamReply> _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];

    private TestUpstream(Socket udp, Socket tcp, Func<UpstreamRequest, UpstreamReply> handler)
    {
        _udp = udp;
        _tcp = tcp;
        _handler = handler;
        EndPoint = (IPEndPoint)udp.LocalEndPoint!;
    }

    private int _disposed;

    public IPEndPoint EndPoint { get; }

    public ConcurrentQueue<UpstreamRequest> Received { get; } = new();

    public ConcurrentQueue<byte[]> Sent { get; } = new();

    public int TcpConnections => _tcpConnections;

    private int _tcpConnections;

    /// <summary>Starts a server that answers every A query with 192.0.2.1 (TTL 300) and everything else with an empty NOERROR.</summary>
    public static TestUpstream Start() => Start(static request => UpstreamReply.Answer(request, request.Type == TestMessage.TypeA ? [TestMessage.A("192.0.2.1")] : []));

    public static TestUpstream Start(Func<UpstreamRequest, UpstreamReply> handler)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(udp.LocalEndPoint!);
                tcp.Listen(64);
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
                continue;
            }

            var upstream = new TestUpstream(udp, tcp, handler);
            upstream._loops.Add(Task.Run(upstream.UdpLoopAsync));
            upstream._loops.Add(Task.Run(upstream.AcceptLoopAsync));
            return upstream;
        }
    }

    /// <summary>A free loopback port with nothing listening: UDP to it draws ICMP port unreachable.</summary>
    public static IPEndPoint ClosedEndPoint()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a test may stop the upstream early to see the resolver cope, then its fixture disposes it again.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _udp.Dispose();
        _tcp.Dispose();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException or TimeoutException)
        {
            // Stopping.
        }

        _stopping.Dispose();
    }

    private async Task UdpLoopAsync()
    {
        var buffer = new byte[65535];
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var request = new UpstreamRequest(buffer.AsSpan(0, result.ReceivedBytes).ToArray(), UpstreamTransport.Udp, (IPEndPoint)result.RemoteEndPoint);
            Received.Enqueue(request);
            var reply = _handler(request);
            var client = result.RemoteEndPoint;
            _ = Task.Run(async () =>
            {
                if (reply.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(reply.Delay);
                }

                foreach (var datagram in reply.Messages)
                {
                    Sent.Enqueue(datagram);
                    try
                    {
                        await _udp.SendToAsync(datagram, SocketFlags.None, client);
                    }
                    catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _tcp.AcceptAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _tcpConnections);
            _ = Task.Run(() => ServeTcpAsync(client));
        }
    }

    private async Task ServeTcpAsync(Socket client)
    {
        using var _ = client;
        var writeLock = new SemaphoreSlim(1, 1);
        try
        {
            var prefix = new byte[2];
            while (true)
            {
                if (!await ReadExactlyAsync(client, prefix))
                {
                    return;
                }

                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                if (!await ReadExactlyAsync(client, message))
                {
                    return;
                }

                var request = new UpstreamRequest(message, UpstreamTransport.Tcp, client.RemoteEndPoint as IPEndPoint);
                Received.Enqueue(request);
                var reply = _handler(request);
                if (reply.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(reply.Delay);
                }

                foreach (var answer in reply.Messages)
                {
                    Sent.Enqueue(answer);
                    var framed = new byte[answer.Length + 2];
                    BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)answer.Length);
                    answer.CopyTo(framed, 2);
                    await writeLock.WaitAsync();
                    try
                    {
                        await client.SendAsync(framed, SocketFlags.None);
                    }
                    finally
                    {
                        writeLock.Release();
                    }
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Client went away.
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, byte[] buffer)
    {
        var received = 0;
        while (received < buffer.Length)
        {
            var count = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None);
            if (count == 0)
            {
                return false;
            }

            received += count;
        }

        return true;
    }
}
