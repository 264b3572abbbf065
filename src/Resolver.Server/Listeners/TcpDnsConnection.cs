using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Resolver.Server.Configuration;
using Resolver.Server.Pipeline;

namespace Resolver.Server.Listeners;

/// <summary>
/// One client connection (RFC 7766): length-prefixed queries read in a loop and handled concurrently,
/// answers written in completion order by a single writer. Reading pauses when the connection has its
/// maximum of unanswered queries. An idle connection, a message that does not arrive in time, or an
/// answer the client does not read in time closes it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim needs disposing only once its wait handle is used; late answers may still release it after the connection ends.")]
internal sealed class TcpDnsConnection : IDnsResponseSink
{
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly QueryPipeline _pipeline;
    private readonly TcpListenerOptions _options;
    private readonly SocketAddress _remote;
    private readonly SemaphoreSlim _slots;
    private readonly Channel<OutgoingMessage> _outgoing = Channel.CreateUnbounded<OutgoingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private int _closed;

    private CancellationTokenSource? _timeout;
    private bool _awaitingMessage;

    public TcpDnsConnection(Socket socket, QueryPipeline pipeline, TcpListenerOptions options)
    {
        _socket = socket;
        _pipeline = pipeline;
        _options = options;
        _remote = socket.RemoteEndPoint!.Serialize();
        _slots = new SemaphoreSlim(options.MaxInFlightPerConnection, options.MaxInFlightPerConnection);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var writer = WriteLoopAsync();
        var message = ArrayPool<byte>.Shared.Rent(ushort.MaxValue);
        var response = ArrayPool<byte>.Shared.Rent(ushort.MaxValue);
        var prefix = new byte[2];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _timeout = timeout;

        // The read loop takes a slot before reading the next message; it must give it back however the
        // read ends, or the drain below would wait for an answer that is never coming.
        var holdsSlot = false;
        try
        {
            while (true)
            {
                timeout.CancelAfter(_options.IdleTimeout);
                await _slots.WaitAsync(timeout.Token).ConfigureAwait(false);
                holdsSlot = true;

                // Idle time lasts until the first byte of a message (each answer sent restarts it: a
                // connection waiting for its answers is not idle); from then on the whole message, rest of
                // the prefix included, must arrive within the read timeout.
                Volatile.Write(ref _awaitingMessage, true);
                var more = await ReadExactlyAsync(prefix.AsMemory(0, 1), endOfStreamAllowed: true, timeout.Token).ConfigureAwait(false);
                Volatile.Write(ref _awaitingMessage, false);
                if (!more)
                {
                    break;
                }

                if (!timeout.TryReset())
                {
                    break;
                }

                timeout.CancelAfter(_options.ReadTimeout);
                await ReadExactlyAsync(prefix.AsMemory(1, 1), endOfStreamAllowed: false, timeout.Token).ConfigureAwait(false);
                var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
                await ReadExactlyAsync(message.AsMemory(0, length), endOfStreamAllowed: false, timeout.Token).ConfigureAwait(false);
                if (!timeout.TryReset())
                {
                    break;
                }

                var result = _pipeline.Handle(message.AsSpan(0, length), response, DnsTransport.Tcp, _remote, this);
                if (result == QueryPipeline.Forwarded)
                {
                    // The slot now belongs to the forwarded query; SendResponse gives it back.
                    holdsSlot = false;
                    continue;
                }

                if (result > 0)
                {
                    Enqueue(response.AsSpan(0, result));
                }

                holdsSlot = false;
                _slots.Release();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException or EndOfStreamException)
        {
            // Timeout, stop, reset or a half-sent message: the connection ends; answers in flight still go out.
        }
        finally
        {
            Volatile.Write(ref _awaitingMessage, false);
            _timeout = null;
            if (holdsSlot)
            {
                _slots.Release();
            }

            await WaitForInFlightAsync().ConfigureAwait(false);
            _outgoing.Writer.TryComplete();
            await writer.ConfigureAwait(false);
            Close();
            ArrayPool<byte>.Shared.Return(message);
            ArrayPool<byte>.Shared.Return(response);
        }
    }

    public void SendResponse(QueryContext context, ReadOnlySpan<byte> response)
    {
        Enqueue(response);
        _slots.Release();
        if (Volatile.Read(ref _awaitingMessage))
        {
            try
            {
                _timeout?.CancelAfter(_options.IdleTimeout);
            }
            catch (ObjectDisposedException)
            {
                // The connection ended meanwhile.
            }
        }
    }

    private void Enqueue(ReadOnlySpan<byte> response)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(response.Length + 2);
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)response.Length);
        response.CopyTo(buffer.AsSpan(2));
        if (!_outgoing.Writer.TryWrite(new OutgoingMessage(buffer, response.Length + 2)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, bool endOfStreamAllowed, CancellationToken cancellationToken)
    {
        var received = 0;
        while (received < buffer.Length)
        {
            var count = await _socket.ReceiveAsync(buffer[received..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                if (received == 0 && endOfStreamAllowed)
                {
                    return false;
                }

                throw new EndOfStreamException();
            }

            received += count;
        }

        return true;
    }

    private async Task WriteLoopAsync()
    {
        using var timeout = new CancellationTokenSource();
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    try
                    {
                        timeout.CancelAfter(_options.WriteTimeout);
                        await _socket.SendAsync(item.Buffer.AsMemory(0, item.Length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                        if (!timeout.TryReset())
                        {
                            throw new OperationCanceledException();
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(item.Buffer);
                    }
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client stopped reading or went away: give up on the connection.
            Close();
            while (reader.TryRead(out var item))
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }
        }
    }

    /// <summary>Waits, within a bound, until every forwarded query of this connection has been answered.</summary>
    private async Task WaitForInFlightAsync()
    {
        var acquired = 0;
        using var bound = new CancellationTokenSource(DrainBound);
        try
        {
            while (acquired < _options.MaxInFlightPerConnection)
            {
                await _slots.WaitAsync(bound.Token).ConfigureAwait(false);
                acquired++;
            }
        }
        catch (OperationCanceledException)
        {
            // Answers still missing after the bound are dropped with the connection.
        }

        _slots.Release(acquired);
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
    }

    private readonly record struct OutgoingMessage(byte[] Buffer, int Length);
}
