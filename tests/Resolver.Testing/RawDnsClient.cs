using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Resolver.Testing;

/// <summary>Raw UDP and TCP exchanges with a loopback server, for tests that look at exact bytes.</summary>
public static class RawDnsClient
{
    public static async Task<byte[]?> ExchangeUdpAsync(IPEndPoint server, byte[] query, TimeSpan timeout)
    {
        using var socket = Connect(server);
        await socket.SendAsync(query, SocketFlags.None);
        return await ReceiveUdpAsync(socket, timeout);
    }

    /// <summary>A UDP socket connected to <paramref name="server"/> (loopback only).</summary>
    public static Socket Connect(IPEndPoint server)
    {
        EnsureLoopback(server);
        var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        return socket;
    }

    /// <summary>The next datagram on a connected UDP socket; null when none arrives within <paramref name="timeout"/>.</summary>
    public static async Task<byte[]?> ReceiveUdpAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[65535];
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token);
            return buffer[..length];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static async Task<Socket> ConnectTcpAsync(IPEndPoint server, TimeSpan timeout)
    {
        EnsureLoopback(server);
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(server, cancellation.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The message with its two-byte length prefix (RFC 1035 4.2.2).</summary>
    public static byte[] Frame(byte[] message)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        return framed;
    }

    /// <summary>Reads one length-prefixed message; null when the server closed the connection or nothing came in time.</summary>
    public static async Task<byte[]?> ReadFramedAsync(Socket socket, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            var prefix = new byte[2];
            if (!await ReadExactlyAsync(socket, prefix, cancellation.Token))
            {
                return null;
            }

            var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
            return await ReadExactlyAsync(socket, message, cancellation.Token) ? message : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var received = 0;
        while (received < buffer.Length)
        {
            var count = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, cancellationToken);
            if (count == 0)
            {
                return false;
            }

            received += count;
        }

        return true;
    }

    private static void EnsureLoopback(IPEndPoint server)
    {
        if (!IPAddress.IsLoopback(server.Address))
        {
            throw new ArgumentException("tests only talk to loopback servers", nameof(server));
        }
    }

    /// <summary>
    /// Waits until the server ends the connection (end of stream or reset) and returns true, or false
    /// when it is still open after <paramref name="timeout"/>. Bytes the server sends meanwhile are discarded.
    /// </summary>
    public static async Task<bool> WaitForCloseAsync(Socket socket, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
