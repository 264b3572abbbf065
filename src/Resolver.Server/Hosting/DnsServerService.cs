using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolver.Server.Configuration;
using Resolver.Server.Limits;
using Resolver.Server.Listeners;
using Resolver.Server.Pipeline;
using Resolver.Server.Upstreams;

namespace Resolver.Server.Hosting;

/// <summary>
/// Starts the upstream side and a UDP and a TCP listener per listen address; on stop, stops taking
/// queries, lets those in flight be answered within the drain bound, then closes everything.
/// </summary>
public sealed partial class DnsServerService : IHostedService
{
    private const int EphemeralBindAttempts = 20;

    private readonly DnsServerOptions _options;
    private readonly ResolvedServerEndpoints _endpoints;
    private readonly QueryPipeline _pipeline;
    private readonly UpstreamForwarder _forwarder;
    private readonly ILogger<DnsServerService> _logger;
    private readonly List<UdpDnsListener> _udp = [];
    private readonly List<TcpDnsListener> _tcp = [];
    private readonly TcpClientConnections _tcpClients;

    public DnsServerService(IOptions<DnsServerOptions> options, ResolvedServerEndpoints endpoints, QueryPipeline pipeline, UpstreamForwarder forwarder, ILogger<DnsServerService> logger)
    {
        _options = options.Value;
        _endpoints = endpoints;
        _pipeline = pipeline;
        _forwarder = forwarder;
        _logger = logger;
        _tcpClients = new TcpClientConnections(_options);
    }

    public static string Version { get; } =
        typeof(DnsServerService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The addresses actually bound (with the ports chosen for port 0), UDP and TCP alike.</summary>
    public IReadOnlyList<IPEndPoint> BoundEndPoints { get; private set; } = [];

    public bool IsListening { get; private set; }

    public QueryPipeline Pipeline => _pipeline;

    public UpstreamForwarder Forwarder => _forwarder;

    /// <summary>Open TCP connections per client, over all listeners.</summary>
    public TcpClientConnections TcpClients => _tcpClients;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _forwarder.Start();
        var bound = new List<IPEndPoint>();
        try
        {
            foreach (var endPoint in _endpoints.Listen)
            {
                var (udp, tcp) = BindPair(endPoint);
                _udp.Add(udp);
                _tcp.Add(tcp);
                tcp.Start();
                bound.Add(udp.LocalEndPoint);
            }
        }
        catch (SocketException exception)
        {
            DisposeListeners();
            throw new InvalidOperationException($"Cannot listen: {exception.Message}. Port 53 and other ports below 1024 need root or CAP_NET_BIND_SERVICE (see README).", exception);
        }

        BoundEndPoints = bound;
        IsListening = true;
        LogStarted(_logger, Version, string.Join(", ", bound), _options.Upstream.TcpOnly ? "TCP" : "UDP", string.Join(", ", _endpoints.Upstreams));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IsListening = false;
        LogStopping(_logger, _pipeline.InFlight);
        var stopTcp = new List<Task>();
        foreach (var tcp in _tcp)
        {
            stopTcp.Add(tcp.StopAsync());
        }

        foreach (var udp in _udp)
        {
            await udp.StopReceivingAsync().ConfigureAwait(false);
        }

        var drained = await _pipeline.WaitForDrainAsync(_options.ShutdownDrainTimeout).ConfigureAwait(false);
        // The forwarder goes first: it answers SERVFAIL to whatever is still pending, so TCP connections
        // can flush those answers and close instead of waiting out their own drain bound.
        await _forwarder.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(stopTcp).ConfigureAwait(false);
        DisposeListeners();
        LogStopped(_logger, drained);
    }

    /// <summary>Binds UDP then TCP on the same port; for port 0 retries when TCP finds the UDP-chosen port taken.</summary>
    private (UdpDnsListener Udp, TcpDnsListener Tcp) BindPair(IPEndPoint endPoint)
    {
        for (var attempt = 1; ; attempt++)
        {
            var udp = UdpDnsListener.Bind(endPoint, _options.Udp.EffectiveReceiveLoops, _options.Udp.SocketReceiveBufferBytes, _options.Udp.ReceiveBatchSize, _pipeline, _logger);
            try
            {
                var tcp = TcpDnsListener.Bind(udp.LocalEndPoint, _pipeline, _options.Tcp, _tcpClients, _logger);
                return (udp, tcp);
            }
            catch (SocketException exception) when (endPoint.Port == 0 && exception.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < EphemeralBindAttempts)
            {
                udp.Dispose();
            }
            catch
            {
                udp.Dispose();
                throw;
            }
        }
    }

    private void DisposeListeners()
    {
        foreach (var udp in _udp)
        {
            udp.Dispose();
        }

        foreach (var tcp in _tcp)
        {
            tcp.Dispose();
        }

        _udp.Clear();
        _tcp.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resolver {Version} listening on {Listen} (UDP and TCP), forwarding over {Transport} to {Upstreams}")]
    private static partial void LogStarted(ILogger logger, string version, string listen, string transport, string upstreams);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: no new queries, draining {InFlight} in flight")]
    private static partial void LogStopping(ILogger logger, int inFlight);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped (all in-flight queries answered: {Drained})")]
    private static partial void LogStopped(ILogger logger, bool drained);
}
