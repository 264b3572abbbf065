namespace Resolver.Detection.Baseline;

/// <summary>One instance's use of one remote server in one way (kind): when, and the finding it raised if any.</summary>
public sealed class RemoteUse
{
    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    /// <summary>The finding this use raised after the learning period; null when it was learned silently.</summary>
    public string? FindingId { get; set; }

    /// <summary>When the finding was raised: repeats within one window of it count on that finding.</summary>
    public DateTimeOffset? AlertedAt { get; set; }
}
