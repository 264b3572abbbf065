using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolver.Metrics.Collection;
using Resolver.Metrics.Health;

namespace Resolver.Metrics.Hosting;

/// <summary>
/// Serves <c>/metrics</c> (Prometheus text format), <c>/healthz</c> (the process answers) and <c>/readyz</c>
/// (ready to answer DNS: 200, or 503 naming what is missing) on one Kestrel listener. Registered after the
/// DNS server, so it starts once the listeners are bound. If its address is taken the resolver keeps
/// serving DNS and says so: metrics matter less than answers.
/// </summary>
public sealed partial class MetricsEndpoint : IHostedService, IAsyncDisposable
{
    private readonly MetricsOptions _options;
    private readonly ResolverMetrics _metrics;
    private readonly ReadinessCheck _readiness;
    private readonly ILogger<MetricsEndpoint> _logger;
    private WebApplication? _app;

    public MetricsEndpoint(IOptions<MetricsOptions> options, ResolverMetrics metrics, ReadinessCheck readiness, ILogger<MetricsEndpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _readiness = readiness;
        _logger = logger;
    }

    /// <summary>The address served once started (port 0 resolved); null when off or not bound.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var endpoint = IPEndPoint.Parse(_options.Listen!);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(endpoint);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        app.MapGet("/metrics", WriteMetricsAsync);
        app.MapGet("/healthz", static context => WriteTextAsync(context, StatusCodes.Status200OK, "ok\n"));
        app.MapGet("/readyz", WriteReadinessAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException { InnerException: AddressInUseException } or AddressInUseException or SocketException)
        {
            LogNotListening(exception, _options.Listen!);
            await app.DisposeAsync().ConfigureAwait(false);
            return;
        }

        _app = app;
        Address = new Uri(app.Urls.First());
        LogListening(Address.ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteMetricsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await _metrics.WriteAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private Task WriteReadinessAsync(HttpContext context)
    {
        var problems = _readiness.Problems();
        return problems.Count == 0
            ? WriteTextAsync(context, StatusCodes.Status200OK, "ready\n")
            : WriteTextAsync(context, StatusCodes.Status503ServiceUnavailable, "not ready: " + string.Join("; ", problems) + "\n");
    }

    private static Task WriteTextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics and health on {Address} (/metrics, /healthz, /readyz)")]
    private partial void LogListening(string address);

    [LoggerMessage(Level = LogLevel.Error, Message = "Metrics and health endpoint could not listen on {Address}; DNS is served without it (set Resolver:Metrics:Listen or --metrics-listen, or off)")]
    private partial void LogNotListening(Exception exception, string address);
}
