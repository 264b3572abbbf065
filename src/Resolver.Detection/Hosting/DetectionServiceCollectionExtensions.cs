using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        services.AddSingleton<IValidateOptions<DetectionOptions>, DetectionOptionsValidator>();
        services.AddHostedService(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DetectionOptions>>().Value;
            var folder = stateDirectory(provider);
            return new FlowLogFollower(
                options,
                options.StateFile is { Length: > 0 } state ? state : Path.Combine(folder, FlowLogFollower.DefaultStateFileName),
                options.FindingsFile is { Length: > 0 } findings ? findings : Path.Combine(folder, FlowLogFollower.DefaultFindingsFileName),
                provider.GetRequiredService<ILogger<FlowLogFollower>>());
        });
        return services;
    }
}
