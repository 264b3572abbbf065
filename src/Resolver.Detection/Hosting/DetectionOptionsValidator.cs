using Microsoft.Extensions.Options;
using Resolver.Detection.Catalog;

namespace Resolver.Detection.Hosting;

/// <summary>Checks the detection settings at start, naming each bad setting as the operator wrote it.</summary>
internal sealed class DetectionOptionsValidator : IValidateOptions<DetectionOptions>
{
    public ValidateOptionsResult Validate(string? name, DetectionOptions options)
    {
        var errors = new List<string>();
        if (options.LearningWindow <= TimeSpan.Zero)
        {
            errors.Add("Resolver:Detection:LearningWindow must be more than 0 (e.g. 30.00:00:00)");
        }

        if (options.PollInterval <= TimeSpan.Zero || options.PollInterval > TimeSpan.FromHours(1))
        {
            errors.Add("Resolver:Detection:PollInterval must be more than 0 and at most 01:00:00");
        }

        if (options.FindingRetention <= TimeSpan.Zero)
        {
            errors.Add("Resolver:Detection:FindingRetention must be more than 0");
        }

        if (options.MaxFindings < 1)
        {
            errors.Add("Resolver:Detection:MaxFindings must be at least 1");
        }

        if (options.AccountId.Length != 12 || !options.AccountId.All(char.IsAsciiDigit))
        {
            errors.Add($"Resolver:Detection:AccountId '{options.AccountId}' must be 12 digits");
        }

        if (string.IsNullOrWhiteSpace(options.Region))
        {
            errors.Add("Resolver:Detection:Region must name a region");
        }

        if (options.DnsFindingsQueueCapacity < 1)
        {
            errors.Add("Resolver:Detection:DnsFindingsQueueCapacity must be at least 1");
        }

        if (options.DnsFindingsConfidence is not (Resolver.Firewall.ThreatProtection.ThreatConfidence.Low or Resolver.Firewall.ThreatProtection.ThreatConfidence.Medium or Resolver.Firewall.ThreatProtection.ThreatConfidence.High))
        {
            errors.Add("Resolver:Detection:DnsFindingsConfidence must be Low, Medium or High");
        }

        foreach (var entry in options.AllowedResolvers)
        {
            if (!AddressSet.TryParseNetwork(entry, out _))
            {
                errors.Add($"Resolver:Detection:AllowedResolvers '{entry}' is not an IP address or CIDR range");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
