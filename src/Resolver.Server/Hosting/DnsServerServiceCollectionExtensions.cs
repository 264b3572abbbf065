using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Resolver.Server.Caching;
using Resolver.Server.Configuration;
using Resolver.Server.Detection;
using Resolver.Server.Firewall;
using Resolver.Server.Limits;
using Resolver.Server.QueryLogging;
using Resolver.Server.Pipeline;
using Resolver.Server.Upstreams;

namespace Resolver.Server.Hosting;

public static class DnsServerServiceCollectionExtensions
{
    /// <summary>Registers the DNS server, its options (validated at start) and its hosted service.</summary>
    public static IServiceCollection AddDnsServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DnsServerOptions>().Bind(configuration.GetSection(DnsServerOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<DnsServerOptions>, DnsServerOptionsSetup>();
        services.AddSingleton<IValidateOptions<DnsServerOptions>, DnsServerOptionsValidator>();
        services.AddSingleton(static provider => Resolve(provider.GetRequiredService<IOptions<DnsServerOptions>>().Value));
        services.AddSingleton<FirewallState>();
        services.AddSingleton<RemoteListCache>();
        services.AddSingleton<RulesetReloadService>();
        services.AddHostedService(static provider => provider.GetRequiredService<RulesetReloadService>());
        services.AddSingleton<ResponseCache>();
        services.AddSingleton<QueryLog>();
        services.AddSingleton<QueryLogWriter>();
        services.TryAddSingleton(QueryObservations.Disabled);
        services.AddHostedService(static provider => provider.GetRequiredService<QueryLogWriter>());
        services.AddSingleton<ClientRateLimiter>();
        services.AddSingleton<UpstreamForwarder>();
        services.AddSingleton<IQueryForwarder>(static provider => provider.GetRequiredService<UpstreamForwarder>());
        services.AddSingleton<QueryPipeline>();
        services.AddSingleton<DnsServerService>();
        services.AddHostedService(static provider => provider.GetRequiredService<DnsServerService>());
        return services;
    }

    private static ResolvedServerEndpoints Resolve(DnsServerOptions options)
    {
        return new ResolvedServerEndpoints(Parse(options.Listen), Parse(options.Upstreams));

        static List<IPEndPoint> Parse(List<string> texts)
        {
            var endPoints = new List<IPEndPoint>(texts.Count);
            foreach (var text in texts)
            {
                // Validated at start: a failure here is a bug, not bad input.
                if (!EndpointParser.TryParse(text, SystemNameservers.DnsPort, out var endPoint, out var error))
                {
                    throw new InvalidOperationException(error);
                }

                endPoints.Add(endPoint);
            }

            return endPoints;
        }
    }
}
