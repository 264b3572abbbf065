using System.Net;
using Microsoft.Extensions.Options;

namespace Resolver.Metrics.Hosting;

/// <summary>Checks the metrics settings at start, naming the bad setting as the operator wrote it.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        if (options.Enabled && (!IPEndPoint.TryParse(options.Listen!, out _) || options.Listen!.LastIndexOf(':') < options.Listen.LastIndexOf(']') + 1))
        {
            errors.Add($"Resolver:Metrics:Listen (--metrics-listen) '{options.Listen}' is not an ADDRESS:PORT such as 127.0.0.1:9153, or off");
        }

        for (var i = 0; i < options.LatencyBuckets.Count; i++)
        {
            if (!(options.LatencyBuckets[i] > 0) || (i > 0 && options.LatencyBuckets[i] <= options.LatencyBuckets[i - 1]))
            {
                errors.Add("Resolver:Metrics:LatencyBuckets must be positive and increasing (seconds)");
                break;
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
