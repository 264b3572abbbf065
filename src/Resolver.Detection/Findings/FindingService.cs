namespace Resolver.Detection.Findings;

/// <summary>The detector's part of a finding: what happened, how often and when.</summary>
public sealed record FindingService
{
    public string ServiceName { get; init; } = "guardduty";

    public string DetectorId { get; init; } = "";

    public FindingAction Action { get; init; } = new();

    /// <summary>How many times the behaviour was seen (flow records, DNS queries).</summary>
    public long Count { get; init; } = 1;

    [System.Text.Json.Serialization.JsonConverter(typeof(FindingTimestampConverter))]
    public DateTimeOffset EventFirstSeen { get; init; }

    [System.Text.Json.Serialization.JsonConverter(typeof(FindingTimestampConverter))]
    public DateTimeOffset EventLastSeen { get; init; }

    public bool Archived { get; init; }

    public string ResourceRole { get; init; } = "ACTOR";
}
