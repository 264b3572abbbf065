namespace Resolver.Detection.Findings;

public sealed record PortDetails
{
    public int Port { get; init; }

    /// <summary>GuardDuty's name for the port (DNS, HTTPS, …); Unknown for ephemeral ports.</summary>
    public string PortName { get; init; } = "Unknown";
}
