using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolver.Detection.DnsQueries;
using Resolver.Detection.Findings;
using Resolver.Server.Detection;

namespace Resolver.Detection.Hosting;

public static class DetectionServiceCollectionExtensions
{
    /// <summary>
    /// Follows <c>Resolver:Detection:FlowLogFolder</c> when it is set; adds nothing otherwise, so a server
    /// without flow logs pays nothing for detection.
    /// </summary>
    /// <param name="stateDirectory">The server's state folder: default home of the state and findings files.</param>
    public static IServiceCollection AddFlowLogDetection(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, string> stateDirectory)
    {
        var section = configuration.GetSection(DetectionOptions.SectionName);
        if (string.IsNullOrWhiteSpace(section[nameof(DetectionOptions.FlowLogFolder)]))
        {
            return services;
        }

        services.AddOptions<DetectionOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DetectionOptions>, DetectionOptionsValidator>());
        services.TryAddSingleton<FindingMetrics>();
        services.AddHostedService(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DetectionOptions>>().Value;
            var folder = stateDirectory(provider);
            return new FlowLogFollower(
                options,
                options.StateFile is { Length: > 0 } state ? state : Path.Combine(folder, FlowLogFollower.DefaultStateFileName),
                options.FindingsFile is { Length: > 0 } findings ? findings : Path.Combine(folder, FlowLogFollower.DefaultFindingsFileName),
                provider.GetRequiredService<ILogger<FlowLogFollower>>(),
                provider.GetRequiredService<FindingMetrics>());
        });
        return services;
    }

    /// <summary>
    /// With <c>Resolver:Detection:DnsFindings</c>, observes every query the server answers and reports
    /// GuardDuty's DNS findings; adds nothing otherwise, so the query path stays as it is.
    /// </summary>
    /// <param name="stateDirectory">The server's state folder: default home of the findings file.</param>
    public static IServiceCollection AddDnsQueryDetection(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, string> stateDirectory)
    {
        var section = configuration.GetSection(DetectionOptions.SectionName);
        if (!bool.TryParse(section[nameof(DetectionOptions.DnsFindings)], out var enabled) || !enabled)
        {
            return services;
        }

        services.AddOptions<DetectionOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DetectionOptions>, DetectionOptionsValidator>());
        services.TryAddSingleton<FindingMetrics>();
        services.Replace(ServiceDescriptor.Singleton(provider =>
            new QueryObservations(enabled: true, provider.GetRequiredService<IOptions<DetectionOptions>>().Value.DnsFindingsQueueCapacity)));
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DetectionOptions>>().Value;
            return new DnsFindingService(
                provider.GetRequiredService<QueryObservations>(),
                options,
                provider.GetRequiredService<FindingMetrics>(),
                options.FindingsFile is { Length: > 0 } findings ? findings : Path.Combine(stateDirectory(provider), FlowLogFollower.DefaultFindingsFileName),
                provider.GetRequiredService<ILogger<DnsFindingService>>());
        });
        services.AddHostedService(static provider => provider.GetRequiredService<DnsFindingService>());
        return services;
    }
}
