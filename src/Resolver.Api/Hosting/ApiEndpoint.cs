using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolver.Api.Authentication;
using Resolver.Api.Operations;
using Resolver.Server.Firewall;

namespace Resolver.Api.Hosting;

/// <summary>
/// Installs the API's saved resources in the firewall at start and, with <c>--api-listen</c>, serves the
/// Route53Resolver API over HTTP (Kestrel, AWS JSON 1.1, Signature Version 4). Registered after the
/// rulesets service, so the files are loaded before the API's resources are laid over them.
/// </summary>
public sealed partial class ApiEndpoint : IHostedService, IAsyncDisposable
{
    private readonly FirewallApi _api;
    private readonly FirewallState _firewall;
    private readonly ApiOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<ApiEndpoint> _logger;
    // Typed object, not ApiWebServer, so that loading this class does not load ASP.NET Core (see StartServerAsync).
    private object? _server;

    public ApiEndpoint(FirewallApi api, FirewallState firewall, IOptions<ApiOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _api = api;
        _firewall = firewall;
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ApiEndpoint>();
    }

    /// <summary>The address the endpoint listens on once started (port 0 resolved), or null when off.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _api.Start();
        _firewall.FilesChanged += _api.Start;
        if (string.IsNullOrWhiteSpace(_options.Listen))
        {
            return;
        }

        if (!IPEndPoint.TryParse(_options.Listen, out var endpoint))
        {
            throw new InvalidDataException($"Resolver:Api:Listen (--api-listen) '{_options.Listen}' is not an ADDRESS:PORT such as 127.0.0.1:8053");
        }

        var keys = ApiAccessKeys.Resolve(_options, Environment.GetEnvironmentVariable);
        var verifier = new SigV4Verifier(keys, _options.Regions, _options.ClockSkew, SigV4Verifier.Route53ResolverService, TimeProvider.System);
        Address = await StartServerAsync(endpoint, verifier, cancellationToken).ConfigureAwait(false);
        LogListening(Address.ToString(), keys.Count);
    }

    // Apart, and never inlined, so that a resolver without the API never loads ASP.NET Core's assemblies
    // (several megabytes of mapped code) just to compile StartAsync.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<Uri> StartServerAsync(IPEndPoint endpoint, SigV4Verifier verifier, CancellationToken cancellationToken)
    {
        var server = new ApiWebServer(_api, verifier, _loggerFactory);
        _server = server;
        return await server.StartAsync(endpoint, cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _firewall.FilesChanged -= _api.Start;
        if (_server is ApiWebServer server)
        {
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is IAsyncDisposable server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Route53Resolver API listening on {Address} ({Keys} access keys)")]
    private partial void LogListening(string address, int keys);
}
