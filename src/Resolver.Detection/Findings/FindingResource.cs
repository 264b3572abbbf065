namespace Resolver.Detection.Findings;

/// <summary>What the finding is about: an instance (EC2 wording; here any host seen in the logs).</summary>
public sealed record FindingResource
{
    public string ResourceType { get; init; } = "Instance";

    public InstanceDetails InstanceDetails { get; init; } = new();
}
