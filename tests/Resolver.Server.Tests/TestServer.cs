using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolver.Server.Configuration;
using Resolver.Server.Hosting;

namespace Resolver.Server.Tests;

/// <summary>The real DNS server (listeners, pipeline, forwarder) on a free loopback port, without the CLI host.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly IHost _host;

    private TestServer(IHost host)
    {
        _host = host;
        Service = host.Services.GetRequiredService<DnsServerService>();
    }

    public DnsServerService Service { get; }

    public IPEndPoint EndPoint => Service.BoundEndPoints[0];

    public static async Task<TestServer> StartAsync(IEnumerable<IPEndPoint> upstreams, Action<DnsServerOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDnsServer(builder.Configuration);
        builder.Services.Configure<DnsServerOptions>(options =>
        {
            options.Listen = ["127.0.0.1:0"];
            options.Upstreams = [.. upstreams.Select(u => u.ToString())];
            options.Udp.ReceiveLoops = 2;
            options.Upstream.SocketsPerUpstream = 2;
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TestServer(host);
    }

    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
