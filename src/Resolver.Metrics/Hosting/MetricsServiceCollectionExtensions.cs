using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Resolver.Detection.Findings;
using Resolver.Metrics.Collection;
using Resolver.Metrics.Health;
using Resolver.Server.Caching;
using Resolver.Server.Detection;
using Resolver.Server.Firewall;
using Resolver.Server.Hosting;
using Resolver.Server.Pipeline;
using Resolver.Server.QueryLogging;
using Resolver.Server.Upstreams;

namespace Resolver.Metrics.Hosting;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>Registers the metrics, the readiness check and their HTTP endpoint (call after AddDnsServer).</summary>
    public static IServiceCollection AddMetricsEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton(static provider => new ResolverMetrics(
            provider.GetRequiredService<QueryPipeline>(),
            provider.GetRequiredService<ResponseCache>(),
            provider.GetRequiredService<UpstreamForwarder>(),
            provider.GetRequiredService<QueryLog>(),
            provider.GetRequiredService<FirewallState>(),
            provider.GetRequiredService<QueryObservations>(),
            provider.GetService<FindingMetrics>(),
            provider.GetRequiredService<IOptions<MetricsOptions>>().Value));
        services.AddSingleton(static provider => new ReadinessCheck(
            provider.GetRequiredService<DnsServerService>(),
            provider.GetRequiredService<FirewallState>(),
            provider.GetRequiredService<UpstreamForwarder>()));
        services.AddSingleton<MetricsEndpoint>();
        services.AddHostedService(static provider => provider.GetRequiredService<MetricsEndpoint>());
        return services;
    }
}
