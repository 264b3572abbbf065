using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolver.Cli;
using Resolver.Hosting;
using Resolver.Server.Hosting;

namespace Resolver.IntegrationTests;

/// <summary>
/// The resolver as the command line builds it (configuration layering, Serilog, options validation),
/// on a free loopback port, forwarding to upstreams the test started.
/// </summary>
public sealed class ResolverUnderTest : IAsyncDisposable
{
    private readonly IHost _host;

    private ResolverUnderTest(IHost host)
    {
        _host = host;
        Server = host.Services.GetRequiredService<DnsServerService>();
    }

    public DnsServerService Server { get; }

    public IPEndPoint EndPoint => Server.BoundEndPoints[0];

    public static async Task<ResolverUnderTest> StartAsync(IEnumerable<IPEndPoint> upstreams, bool tcpOnly = false)
    {
        var settings = new ServeSettings
        {
            Listen = ["127.0.0.1:0"],
            Upstreams = [.. upstreams.Select(u => u.ToString())],
            UpstreamTcpOnly = tcpOnly,
            LogLevel = Serilog.Events.LogEventLevel.Warning,
        };
        var host = ResolverHostFactory.Create(settings);
        await host.StartAsync();
        return new ResolverUnderTest(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
