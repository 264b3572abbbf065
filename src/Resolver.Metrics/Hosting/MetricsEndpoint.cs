using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolver.Metrics.Collection;
using Resolver.Metrics.Health;

namespace Resolver.Metrics.Hosting;

/// <summary>
/// Serves <c>/metrics</c> (Prometheus text format), <c>/healthz</c> (the process answers) and <c>/readyz</c>
/// (ready to answer DNS: 200, or 503 naming what is missing). On by default, so it is built on the base
/// library's <see cref="HttpListener"/> rather than Kestrel: the resolver's memory target has no room for
/// ASP.NET Core in every process (Kestrel cost 8 MiB resident here; the API, off by default, still uses it).
/// If its address is taken the resolver keeps serving DNS and says so: metrics matter less than answers.
/// </summary>
public sealed partial class MetricsEndpoint : IHostedService, IDisposable
{
    private readonly MetricsOptions _options;
    private readonly ResolverMetrics _metrics;
    private readonly ReadinessCheck _readiness;
    private readonly ILogger<MetricsEndpoint> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private HttpListener? _listener;
    private Task? _loop;

    public MetricsEndpoint(IOptions<MetricsOptions> options, ResolverMetrics metrics, ReadinessCheck readiness, ILogger<MetricsEndpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _readiness = readiness;
        _logger = logger;
    }

    /// <summary>
    /// Where to reach the endpoint once started (port 0 resolved; loopback when it listens on every
    /// address); null when off or not bound.
    /// </summary>
    public Uri? Address { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return Task.CompletedTask;
        }

        var endpoint = IPEndPoint.Parse(_options.Listen!);
        var port = endpoint.Port == 0 ? FreePort(endpoint.Address) : endpoint.Port;
        // HttpListener takes "*" for every address; 0.0.0.0 and [::] are not accepted as host names.
        var any = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any);
        var host = any ? "*" : endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{host}:{port}/");
        var shown = any ? (endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? "[::]" : "0.0.0.0") : host;
        var address = new Uri($"http://{(any ? "127.0.0.1" : host)}:{port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException exception)
        {
            LogNotListening(exception, _options.Listen!);
            listener.Close();
            return Task.CompletedTask;
        }

        _listener = listener;
        Address = address;
        _loop = Task.Run(() => ServeAsync(listener, _stopping.Token), CancellationToken.None);
        LogListening($"http://{shown}:{port}/");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _listener?.Close();
        _stopping.Dispose();
    }

    // HttpListener has no port 0: a port the OS just handed out is free for the moment it takes to claim it.
    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync(HttpListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // One request at a time is plenty for scrapes and probes, and keeps a flood of requests from
            // taking more than one thread from the DNS side.
            try
            {
                await AnswerAsync(context, stopping).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                LogRequestFailed(exception);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        if (context.Request.HttpMethod is not ("GET" or "HEAD"))
        {
            await WriteTextAsync(response, 405, "method not allowed\n", cancellationToken).ConfigureAwait(false);
            return;
        }

        switch (context.Request.Url?.AbsolutePath)
        {
            case "/metrics":
                response.StatusCode = 200;
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await _metrics.WriteAsync(response.OutputStream, cancellationToken).ConfigureAwait(false);
                break;
            case "/healthz":
                await WriteTextAsync(response, 200, "ok\n", cancellationToken).ConfigureAwait(false);
                break;
            case "/readyz":
                var problems = _readiness.Problems();
                await (problems.Count == 0
                    ? WriteTextAsync(response, 200, "ready\n", cancellationToken)
                    : WriteTextAsync(response, 503, "not ready: " + string.Join("; ", problems) + "\n", cancellationToken)).ConfigureAwait(false);
                break;
            default:
                await WriteTextAsync(response, 404, "not found: /metrics, /healthz, /readyz\n", cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private static async Task WriteTextAsync(HttpListenerResponse response, int status, string text, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        var body = Encoding.UTF8.GetBytes(text);
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics and health on {Address} (/metrics, /healthz, /readyz)")]
    private partial void LogListening(string address);

    [LoggerMessage(Level = LogLevel.Error, Message = "Metrics and health endpoint could not listen on {Address}; DNS is served without it (set Resolver:Metrics:Listen or --metrics-listen, or off)")]
    private partial void LogNotListening(Exception exception, string address);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A metrics or health request failed")]
    private partial void LogRequestFailed(Exception exception);
}
