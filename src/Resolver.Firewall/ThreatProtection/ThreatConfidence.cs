namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// How sure a detector is that a query is a threat. A rule with AWS <c>ConfidenceThreshold</c> LOW, MEDIUM
/// or HIGH fires at that level or above, so HIGH has the fewest false positives and LOW the most detections.
/// </summary>
public enum ThreatConfidence : byte
{
    None = 0,
    Low = 1,
    Medium = 2,
    High = 3,
}
