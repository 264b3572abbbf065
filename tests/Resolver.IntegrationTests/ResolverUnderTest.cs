using System.Net;
using System.Text.Json;
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
    private int _stopped;

    private ResolverUnderTest(IHost host)
    {
        _host = host;
        Server = host.Services.GetRequiredService<DnsServerService>();
    }

    public DnsServerService Server { get; }

    public IPEndPoint EndPoint => Server.BoundEndPoints[0];

    public static Task<ResolverUnderTest> StartAsync(IEnumerable<IPEndPoint> upstreams, bool tcpOnly = false) =>
        StartAsync(upstreams, tcpOnly, new Dictionary<string, string>());

    /// <summary>
    /// Starts the resolver with extra settings given as keys below the <c>Resolver</c> section
    /// (e.g. <c>Upstream:QueryTimeout</c>), passed the way a user would: in a <c>--config</c> JSON file.
    /// </summary>
    public static async Task<ResolverUnderTest> StartAsync(IEnumerable<IPEndPoint> upstreams, bool tcpOnly, IReadOnlyDictionary<string, string> settings)
    {
        string? configFile = null;
        if (settings.Count > 0)
        {
            configFile = Path.Combine(Path.GetTempPath(), $"resolver-test-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(configFile, ToJson(settings));
        }

        try
        {
            var serve = new ServeSettings
            {
                Listen = ["127.0.0.1:0"],
                Upstreams = [.. upstreams.Select(u => u.ToString())],
                UpstreamTcpOnly = tcpOnly,
                ConfigFile = configFile,
                MetricsListen = "off",
                LogLevel = Serilog.Events.LogEventLevel.Warning,
            };
            var host = ResolverHostFactory.Create(serve);
            await host.StartAsync();
            return new ResolverUnderTest(host);
        }
        finally
        {
            if (configFile is not null)
            {
                File.Delete(configFile);
            }
        }
    }

    /// <summary>Stops the host as SIGTERM would: listeners stop, queries in flight are still answered.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(bound.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }

    private static string ToJson(IReadOnlyDictionary<string, string> settings)
    {
        var root = new Dictionary<string, object>();
        foreach (var (key, value) in settings)
        {
            var path = key.Split(':');
            var node = root;
            foreach (var part in path[..^1])
            {
                if (!node.TryGetValue(part, out var child))
                {
                    child = new Dictionary<string, object>();
                    node[part] = child;
                }

                node = (Dictionary<string, object>)child;
            }

            node[path[^1]] = value;
        }

        return JsonSerializer.Serialize(new Dictionary<string, object> { ["Resolver"] = root });
    }
}
