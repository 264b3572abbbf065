using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Resolver.Server.Pipeline;

namespace Resolver.Server.Listeners;

/// <summary>
/// One UDP socket and its receive loop. The loop owns a pinned receive buffer, a response buffer and a
/// <see cref="SocketAddress"/>, so receiving, answering locally and sending allocate nothing; forwarded
/// queries are answered later through <see cref="SendResponse"/> from the upstream side.
/// </summary>
internal sealed partial class UdpListenerSocket : IDnsResponseSink, IDisposable
{
    private readonly Socket _socket;
    private readonly QueryPipeline _pipeline;
    private readonly ILogger _logger;
    private bool _stopping;

    public UdpListenerSocket(Socket socket, QueryPipeline pipeline, ILogger logger)
    {
        _socket = socket;
        _pipeline = pipeline;
        _logger = logger;
    }

    public long SendErrors;

    /// <summary>
    /// Receives until <see cref="StopReceiving"/>. Runs on a dedicated thread with blocking receives: a
    /// socket that never saw an async operation stays in blocking mode, so each packet costs one
    /// recvfrom and no hop through epoll and the thread pool.
    /// </summary>
    public void ReceiveLoop()
    {
        var receiveBuffer = GC.AllocateArray<byte>(ushort.MaxValue, pinned: true);
        var responseBuffer = GC.AllocateArray<byte>(ushort.MaxValue, pinned: true);
        var client = new SocketAddress(_socket.AddressFamily);
        while (!Volatile.Read(ref _stopping))
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(receiveBuffer, SocketFlags.None, client);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception)
            {
                // An ICMP error for an earlier answer, or a message larger than the buffer: the loop goes on.
                LogReceiveError(_logger, exception.SocketErrorCode);
                continue;
            }

            if (Volatile.Read(ref _stopping))
            {
                return;
            }

            try
            {
                var length = _pipeline.Handle(receiveBuffer.AsSpan(0, received), responseBuffer, DnsTransport.Udp, client, this);
                if (length > 0)
                {
                    Send(responseBuffer.AsSpan(0, length), client);
                }
            }
            catch (Exception exception)
            {
                LogHandleFailed(_logger, exception);
            }
        }
    }

    /// <summary>
    /// Wakes the receive loop for good while the socket stays open for answers still in flight. Linux
    /// applies SHUT_RD even to an unconnected UDP socket (and reports ENOTCONN, which is expected).
    /// </summary>
    public void StopReceiving()
    {
        Volatile.Write(ref _stopping, true);
        try
        {
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (SocketException)
        {
            // ENOTCONN: the shutdown still took effect.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public void SendResponse(QueryContext context, ReadOnlySpan<byte> response) => Send(response, context.ClientAddress);

    public void Dispose() => _socket.Dispose();

    private void Send(ReadOnlySpan<byte> response, SocketAddress client)
    {
        try
        {
            _socket.SendTo(response, SocketFlags.None, client);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref SendErrors);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "UDP receive error {Error}")]
    private static partial void LogReceiveError(ILogger logger, SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a UDP query failed")]
    private static partial void LogHandleFailed(ILogger logger, Exception exception);
}
