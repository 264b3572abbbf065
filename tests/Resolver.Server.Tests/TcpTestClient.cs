using Resolver.Testing;
using System.Net;
using System.Net.Sockets;

namespace Resolver.Server.Tests;

/// <summary>TCP client steps for listener tests, each bounded by a timeout so a hang fails instead of blocking.</summary>
public static class TcpTestClient
{
    public static async Task<Socket> ConnectAsync(IPEndPoint server, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cancellation = new CancellationTokenSource(timeout);
            await socket.ConnectAsync(server, cancellation.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task SendAsync(Socket socket, byte[] bytes, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancellation.Token);
        }
    }

    /// <summary>Sends one framed query on a connection and reads one framed answer; null when the server closed it.</summary>
    public static async Task<byte[]?> ExchangeAsync(Socket socket, byte[] query, TimeSpan timeout)
    {
        await SendAsync(socket, RawDnsClient.Frame(query), timeout);
        return await RawDnsClient.ReadFramedAsync(socket, timeout);
    }

    /// <summary>One query on a new connection.</summary>
    public static async Task<byte[]?> ExchangeAsync(IPEndPoint server, byte[] query, TimeSpan timeout)
    {
        using var socket = await ConnectAsync(server, timeout);
        return await ExchangeAsync(socket, query, timeout);
    }

    /// <summary>See <see cref="RawDnsClient.WaitForCloseAsync"/>.</summary>
    public static Task<bool> WaitForCloseAsync(Socket socket, TimeSpan timeout) => RawDnsClient.WaitForCloseAsync(socket, timeout);
}
