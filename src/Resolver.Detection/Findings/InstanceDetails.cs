namespace Resolver.Detection.Findings;

public sealed record InstanceDetails
{
    /// <summary>The instance id when the logs carry it (the <c>instance-id</c> field), else null.</summary>
    public string? InstanceId { get; init; }

    public IReadOnlyList<NetworkInterfaceDetails> NetworkInterfaces { get; init; } = [];
}
