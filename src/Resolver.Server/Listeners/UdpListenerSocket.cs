using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Resolver.Server.Listeners.Interop;
using Resolver.Server.Pipeline;

namespace Resolver.Server.Listeners;

/// <summary>
/// One UDP socket and its receive loop. The loop owns pinned receive and response buffers and
/// <see cref="SocketAddress"/> objects, so receiving, answering locally and sending allocate nothing;
/// forwarded queries are answered later through <see cref="SendResponse"/> from the upstream side.
/// </summary>
internal sealed partial class UdpListenerSocket : IDnsResponseSink, IDisposable
{
    /// <summary>Consecutive receive errors after which the loop pauses before each retry, so a persistent error cannot spin.</summary>
    private const int ErrorsBeforePause = 16;

    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(10);

    private readonly Socket _socket;
    private readonly QueryPipeline _pipeline;
    private readonly ILogger _logger;
    private readonly int _batchSize;
    private bool _stopping;

    public UdpListenerSocket(Socket socket, QueryPipeline pipeline, ILogger logger, int batchSize = 1)
    {
        _socket = socket;
        _pipeline = pipeline;
        _logger = logger;
        _batchSize = Math.Max(1, batchSize);
    }

    public long SendErrors;

    /// <summary>recvmmsg calls that returned datagrams (batched loop only; read by tests).</summary>
    internal long ReceiveCalls;

    /// <summary>Datagrams those calls returned (batched loop only; read by tests).</summary>
    internal long ReceivedDatagrams;

    /// <summary>
    /// Receives until <see cref="StopReceiving"/>. Runs on a dedicated thread with blocking receives: a
    /// socket that never saw an async operation stays in blocking mode, so a wait costs no hop through
    /// epoll and the thread pool. On Linux with a batch size above 1, one recvmmsg takes every queued
    /// datagram up to the batch and one sendmmsg sends the answers made at once; elsewhere each packet
    /// costs one recvfrom and one sendto.
    /// </summary>
    public void ReceiveLoop()
    {
        if (_batchSize > 1 && OperatingSystem.IsLinux())
        {
            BatchReceiveLoop();
        }
        else
        {
            SingleReceiveLoop();
        }
    }

    private void SingleReceiveLoop()
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
    /// The Linux loop: answers made synchronously (cache hits, blocks, errors) are queued in the batch's
    /// arena and leave together after the batch; forwarded queries are answered later by
    /// <see cref="SendResponse"/> as in the single-packet loop.
    /// </summary>
    private void BatchReceiveLoop()
    {
        UdpDatagramBatch batch;
        try
        {
            batch = new UdpDatagramBatch(_socket.SafeHandle, _batchSize, _socket.AddressFamily);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        var failures = 0;
        while (!Volatile.Read(ref _stopping))
        {
            // After StopReceiving, SHUT_RD makes the waiting recvmmsg return one empty message with no sender.
            var received = batch.Receive(out var errno);
            if (Volatile.Read(ref _stopping))
            {
                return;
            }

            if (received < 0)
            {
                if (errno is LinuxSocketBatch.Ebadf or LinuxSocketBatch.Enotsock)
                {
                    return;
                }

                if (errno == LinuxSocketBatch.Econnrefused)
                {
                    // An ICMP error for an earlier answer.
                    LogReceiveError(_logger, SocketError.ConnectionRefused);
                }
                else if (errno is not (LinuxSocketBatch.Eintr or LinuxSocketBatch.Eagain))
                {
                    LogReceiveErrno(_logger, errno);
                }

                if (++failures >= ErrorsBeforePause)
                {
                    Thread.Sleep(ErrorPause);
                }

                continue;
            }

            ReceiveCalls++;
            ReceivedDatagrams += received;
            var senders = 0;
            for (var slot = 0; slot < received; slot++)
            {
                var client = batch.Client(slot);
                if (client is null)
                {
                    continue;
                }

                senders++;

                if (!batch.HasRoom)
                {
                    CountSendErrors(batch.Flush());
                }

                try
                {
                    // A datagram larger than its slot arrives cut; the pipeline judges what arrived.
                    var length = _pipeline.Handle(batch.Datagram(slot), batch.ResponseSpace, DnsTransport.Udp, client, this);
                    if (length > 0)
                    {
                        batch.Queue(slot, length);
                    }
                }
                catch (Exception exception)
                {
                    LogHandleFailed(_logger, exception);
                }
            }

            CountSendErrors(batch.Flush());

            // A receive side shut down under us returns at once with one empty message and no sender: that
            // counts as an error too, so it cannot spin.
            if (senders > 0)
            {
                failures = 0;
            }
            else if (++failures >= ErrorsBeforePause)
            {
                Thread.Sleep(ErrorPause);
            }
        }
    }

    private void CountSendErrors(int errors)
    {
        if (errors > 0)
        {
            Interlocked.Add(ref SendErrors, errors);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "UDP receive error errno {Errno}")]
    private static partial void LogReceiveErrno(ILogger logger, int errno);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a UDP query failed")]
    private static partial void LogHandleFailed(ILogger logger, Exception exception);
}
