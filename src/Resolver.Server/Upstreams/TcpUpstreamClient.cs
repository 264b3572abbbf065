using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Resolver.Server.Upstreams;

/// <summary>
/// DNS over TCP to one upstream (RFC 7766), one exchange per connection at a time, with idle connections
/// kept for reuse. Used when an answer was truncated and in TCP-only mode; not the UDP hot path.
/// </summary>
internal sealed class TcpUpstreamClient : IDisposable
{
    private readonly IPEndPoint _endPoint;
    private readonly int _maxIdle;
    private readonly Stack<Socket> _idle = new();
    private readonly Lock _lock = new();
    private bool _disposed;

    public TcpUpstreamClient(IPEndPoint endPoint, int maxIdle)
    {
        _endPoint = endPoint;
        _maxIdle = maxIdle;
    }

    /// <summary>Sends <paramref name="query"/> and reads one answer into <paramref name="response"/>; returns its length.</summary>
    public async Task<int> ExchangeAsync(ReadOnlyMemory<byte> query, Memory<byte> response, CancellationToken cancellationToken)
    {
        var message = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(message, (ushort)query.Length);
        query.Span.CopyTo(message.AsSpan(2));

        // A reused connection may have been closed by the upstream meanwhile; then once more on a fresh one.
        for (var attempt = 0; ; attempt++)
        {
            var socket = TakeIdle();
            var reused = socket is not null;
            socket ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                var prefix = new byte[2];
                await ReceiveExactlyAsync(socket, prefix, cancellationToken).ConfigureAwait(false);
                var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
                if (length > response.Length)
                {
                    throw new InvalidDataException($"TCP answer of {length} bytes exceeds the buffer");
                }

                await ReceiveExactlyAsync(socket, response[..length], cancellationToken).ConfigureAwait(false);
                ReturnIdle(socket);
                return length;
            }
            catch (Exception) when (reused && attempt == 0 && !cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_idle.TryPop(out var socket))
            {
                socket.Dispose();
            }
        }
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var received = 0;
        while (received < buffer.Length)
        {
            var count = await socket.ReceiveAsync(buffer[received..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                throw new EndOfStreamException("the upstream closed the TCP connection mid-answer");
            }

            received += count;
        }
    }

    private async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private Socket? TakeIdle()
    {
        lock (_lock)
        {
            return _idle.TryPop(out var socket) ? socket : null;
        }
    }

    private void ReturnIdle(Socket socket)
    {
        lock (_lock)
        {
            if (!_disposed && _idle.Count < _maxIdle)
            {
                _idle.Push(socket);
                return;
            }
        }

        socket.Dispose();
    }
}
