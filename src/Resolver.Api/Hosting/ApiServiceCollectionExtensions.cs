using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolver.Api.Operations;
using Resolver.Api.State;
using Resolver.Server.Configuration;
using Resolver.Server.Firewall;

namespace Resolver.Api.Hosting;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds the management API. Call after the DNS server's registration: the endpoint must start after
    /// the rulesets are loaded.
    /// </summary>
    public static IServiceCollection AddFirewallApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddSingleton(provider => new FirewallApi(
            new ApiStateStore(provider.GetRequiredService<IOptions<DnsServerOptions>>().Value.StateDirectory),
            provider.GetRequiredService<FirewallState>(),
            provider.GetRequiredService<IOptions<ApiOptions>>().Value,
            TimeProvider.System,
            provider.GetRequiredService<ILogger<FirewallApi>>()));
        services.AddSingleton<ApiEndpoint>();
        services.AddHostedService(provider => provider.GetRequiredService<ApiEndpoint>());
        return services;
    }
}
