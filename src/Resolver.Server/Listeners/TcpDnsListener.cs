using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Resolver.Server.Configuration;
using Resolver.Server.Firewall;
using Resolver.Server.Limits;
using Resolver.Server.Pipeline;

namespace Resolver.Server.Listeners;

/// <summary>Accepts DNS-over-TCP clients on one address, up to a cap on open connections overall and per client.</summary>
public sealed partial class TcpDnsListener : IDisposable
{
    private readonly Socket _listenSocket;
    private readonly QueryPipeline _pipeline;
    private readonly TcpListenerOptions _options;
    private readonly TcpClientConnections _clients;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly CancellationTokenSource _stopConnections = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;
    private int _open;
    private long _rejected;

    private TcpDnsListener(Socket listenSocket, QueryPipeline pipeline, TcpListenerOptions options, TcpClientConnections clients, ILogger logger)
    {
        _listenSocket = listenSocket;
        _pipeline = pipeline;
        _options = options;
        _clients = clients;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)listenSocket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Connections closed at once because <see cref="TcpListenerOptions.MaxConnections"/> were open.</summary>
    public long RejectedConnections => Interlocked.Read(ref _rejected);

    /// <param name="clients">Per-client connection counts, shared by every listener of the server.</param>
    public static TcpDnsListener Bind(IPEndPoint endPoint, QueryPipeline pipeline, TcpListenerOptions options, TcpClientConnections clients, ILogger logger)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(512);
            return new TcpDnsListener(socket, pipeline, options, clients, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Start() => _acceptLoop = Task.Run(AcceptLoopAsync);

    /// <summary>Stops accepting, lets each connection answer what it has in flight, then closes them.</summary>
    public async Task StopAsync()
    {
        await _stopAccepting.CancelAsync().ConfigureAwait(false);
        _listenSocket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        await _stopConnections.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _listenSocket.Dispose();
        _stopAccepting.Dispose();
        _stopConnections.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopAccepting.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listenSocket.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception)
            {
                LogAcceptFailed(_logger, exception.SocketErrorCode);
                continue;
            }

            if (Interlocked.Increment(ref _open) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                Interlocked.Increment(ref _rejected);
                client.Dispose();
                continue;
            }

            var slot = OpenForClient(client);
            if (slot == TcpClientConnections.Refused)
            {
                Interlocked.Decrement(ref _open);
                _pipeline.Counters.CountTcpClientConnectionRefused();
                client.Dispose();
                continue;
            }

            client.NoDelay = true;
            var connection = ServeAsync(client, slot);
            _connections.TryAdd(connection, true);
            _ = connection.ContinueWith(static (task, state) => ((ConcurrentDictionary<Task, bool>)state!).TryRemove(task, out _), _connections, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private int OpenForClient(Socket client)
    {
        // The accepted socket keeps the peer address the accept returned: no system call here.
        Span<byte> address = stackalloc byte[16];
        ClientAddresses.WriteMapped(client.RemoteEndPoint!.Serialize(), address);
        return _clients.TryOpen(address);
    }

    private async Task ServeAsync(Socket client, int slot)
    {
        try
        {
            await Task.Yield();
            await new TcpDnsConnection(client, _pipeline, _options).RunAsync(_stopConnections.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogConnectionFailed(_logger, exception);
        }
        finally
        {
            _clients.Close(slot);
            Interlocked.Decrement(ref _open);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "TCP accept failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A TCP connection failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);
}
