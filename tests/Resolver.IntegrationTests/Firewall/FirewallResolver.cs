using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolver.Cli;
using Resolver.Hosting;
using Resolver.Server.Firewall;
using Resolver.Server.Hosting;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Firewall;

/// <summary>
/// The real resolver (CLI host) with a rulesets folder the test writes, forwarding to a loopback upstream
/// the test started. Every name the upstream does not special-case resolves to 192.0.2.1.
/// </summary>
public sealed class FirewallResolver : IAsyncDisposable
{
    private readonly IHost _host;

    private FirewallResolver(IHost host, TestUpstream upstream, string folder, string stateFolder)
    {
        _host = host;
        Upstream = upstream;
        Folder = folder;
        StateFolder = stateFolder;
        Server = host.Services.GetRequiredService<DnsServerService>();
        State = host.Services.GetRequiredService<FirewallState>();
        Services = host.Services;
    }

    public DnsServerService Server { get; }

    public IServiceProvider Services { get; }

    public FirewallState State { get; }

    public TestUpstream Upstream { get; }

    public string Folder { get; }

    public string StateFolder { get; }

    public IPEndPoint EndPoint => Server.BoundEndPoints[0];

    public static async Task<FirewallResolver> StartAsync(string yaml, Func<UpstreamRequest, UpstreamReply?>? special = null, IReadOnlyDictionary<string, string>? files = null, string? stateFolder = null, long? cacheSize = null, string? configFile = null, string metricsListen = "off")
    {
        var folder = Directory.CreateTempSubdirectory("resolver-rulesets-").FullName;
        stateFolder ??= Directory.CreateTempSubdirectory("resolver-state-").FullName;
        File.WriteAllText(Path.Combine(folder, "main.yaml"), yaml);
        foreach (var (name, text) in files ?? new Dictionary<string, string>())
        {
            var path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        var upstream = TestUpstream.Start(request => special?.Invoke(request) ?? DefaultAnswer(request));
        var host = ResolverHostFactory.Create(new ServeSettings
        {
            Listen = ["127.0.0.1:0"],
            Upstreams = [upstream.EndPoint.ToString()],
            Rulesets = folder,
            StateDirectory = stateFolder,
            CacheSize = cacheSize,
            ConfigFile = configFile,
            MetricsListen = metricsListen,
            LogLevel = Serilog.Events.LogEventLevel.Warning,
        });
        await host.StartAsync();
        return new FirewallResolver(host, upstream, folder, stateFolder);
    }

    public static UpstreamReply DefaultAnswer(UpstreamRequest request) => request.Type switch
    {
        TestMessage.TypeA => UpstreamReply.Answer(request, [TestMessage.A("192.0.2.1")]),
        _ => UpstreamReply.Answer(request, []),
    };

    public Task<DigResult> DigAsync(string name, string type = "A", params string[] options) => Dig.QueryAsync(EndPoint, name, type, options);

    public void WriteFile(string name, string text) => File.WriteAllText(Path.Combine(Folder, name), text);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Upstream.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
        if (Directory.Exists(StateFolder))
        {
            Directory.Delete(StateFolder, recursive: true);
        }
    }
}
