namespace Resolver.Detection.Findings;

public sealed record NetworkInterfaceDetails
{
    public string? NetworkInterfaceId { get; init; }

    public string? PrivateIpAddress { get; init; }

    public string? VpcId { get; init; }

    public string? SubnetId { get; init; }
}
