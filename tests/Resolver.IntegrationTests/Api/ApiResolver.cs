using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolver.Api.Hosting;
using Resolver.Cli;
using Resolver.Hosting;
using Resolver.IntegrationTests.Firewall;
using Resolver.Server.Hosting;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Api;

/// <summary>
/// The real resolver (CLI host) with the management API on a free loopback port, one access key, a
/// rulesets folder and a state folder the test owns, forwarding to a loopback upstream that answers
/// 192.0.2.1 for every A query. <see cref="RestartAsync"/> stops it and starts a new one on the same folders.
/// </summary>
public sealed class ApiResolver : IAsyncDisposable
{
    public const string AccessKeyId = "AKIDRESOLVERTEST";
    public const string SecretAccessKey = "resolver-test-secret/0123456789";

    private readonly string _configFile;
    private IHost _host;

    private ApiResolver(IHost host, TestUpstream upstream, string folder, string stateFolder, string configFile)
    {
        _host = host;
        Upstream = upstream;
        Folder = folder;
        StateFolder = stateFolder;
        _configFile = configFile;
    }

    public TestUpstream Upstream { get; }

    public string Folder { get; }

    public string StateFolder { get; }

    public IPEndPoint DnsEndPoint => _host.Services.GetRequiredService<DnsServerService>().BoundEndPoints[0];

    public Uri ApiAddress => _host.Services.GetServices<IHostedService>().OfType<ApiEndpoint>().Single().Address
        ?? throw new InvalidOperationException("the API is not listening");

    public static async Task<ApiResolver> StartAsync(string rulesetsYaml, Func<UpstreamRequest, UpstreamReply?>? special = null)
    {
        var folder = Directory.CreateTempSubdirectory("resolver-api-rulesets-").FullName;
        var stateFolder = Directory.CreateTempSubdirectory("resolver-api-state-").FullName;
        File.WriteAllText(Path.Combine(folder, "main.yaml"), rulesetsYaml);
        var configFile = Path.Combine(stateFolder, "..", $"resolver-api-{Guid.NewGuid():N}.json");
        File.WriteAllText(configFile, JsonSerializer.Serialize(new
        {
            Resolver = new { Api = new { AccessKeys = new[] { new { AccessKeyId, SecretAccessKey } } } },
        }));
        var upstream = TestUpstream.Start(request => special?.Invoke(request) ?? FirewallResolver.DefaultAnswer(request));
        var host = await StartHostAsync(upstream, folder, stateFolder, configFile);
        return new ApiResolver(host, upstream, folder, stateFolder, configFile);
    }

    /// <summary>Stops the resolver as SIGTERM would and starts a new one on the same folders (new ports).</summary>
    public async Task RestartAsync()
    {
        await StopHostAsync();
        _host = await StartHostAsync(Upstream, Folder, StateFolder, _configFile);
    }

    public Task<DigResult> DigAsync(string name, string type = "A", params string[] options) => Dig.QueryAsync(DnsEndPoint, name, type, options);

    public async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        await Upstream.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
        Directory.Delete(StateFolder, recursive: true);
        File.Delete(_configFile);
    }

    private static async Task<IHost> StartHostAsync(TestUpstream upstream, string folder, string stateFolder, string configFile)
    {
        var host = ResolverHostFactory.Create(new ServeSettings
        {
            Listen = ["127.0.0.1:0"],
            Upstreams = [upstream.EndPoint.ToString()],
            Rulesets = folder,
            StateDirectory = stateFolder,
            ApiListen = "127.0.0.1:0",
            MetricsListen = "off",
            ConfigFile = configFile,
            LogLevel = Serilog.Events.LogEventLevel.Warning,
        });
        await host.StartAsync();
        return host;
    }

    private async Task StopHostAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(bound.Token);
        _host.Dispose();
    }
}
