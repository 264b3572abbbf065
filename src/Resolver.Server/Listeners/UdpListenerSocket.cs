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

    public UdpListenerSocket(Socket socket, QueryPipeline pipeline, ILogger logger)
    {
        _socket = socket;
        _pipeline = pipeline;
        _logger = logger;
    }

    public long SendErrors;

    public async Task ReceiveLoopAsync(CancellationToken stopping)
    {
        var receiveBuffer = GC.AllocateArray<byte>(ushort.MaxValue, pinned: true);
        var responseBuffer = GC.AllocateArray<byte>(ushort.MaxValue, pinned: true);
        var client = new SocketAddress(_socket.AddressFamily);
        while (!stopping.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveFromAsync(receiveBuffer, SocketFlags.None, client, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
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
