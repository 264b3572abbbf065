using System.Text.Json.Serialization;

namespace Resolver.Detection.Findings;

/// <summary>
/// A finding in the shape GuardDuty writes (schema 2.0), so tools that read GuardDuty findings read ours.
/// Repeats of the same behaviour share an <see cref="Id"/> and update one finding: see <see cref="FindingAggregator"/>.
/// </summary>
public sealed record Finding
{
    public string SchemaVersion { get; init; } = "2.0";

    public string AccountId { get; init; } = "";

    public string Region { get; init; } = "";

    public string Partition { get; init; } = "aws";

    /// <summary>Stable for the behaviour (see <see cref="FindingIds"/>), so a repeat finds its finding.</summary>
    public string Id { get; init; } = "";

    public string Arn { get; init; } = "";

    /// <summary>One of <see cref="FindingTypes"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>Low 1-3.9, Medium 4-6.9, High 7-8.9 (<see cref="FindingTypes.Severity"/>).</summary>
    public double Severity { get; init; }

    public string Title { get; init; } = "";

    public string Description { get; init; } = "";

    [JsonConverter(typeof(FindingTimestampConverter))]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonConverter(typeof(FindingTimestampConverter))]
    public DateTimeOffset UpdatedAt { get; init; }

    public FindingResource Resource { get; init; } = new();

    public FindingService Service { get; init; } = new();
}
