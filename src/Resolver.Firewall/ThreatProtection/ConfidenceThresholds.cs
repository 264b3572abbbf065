namespace Resolver.Firewall.ThreatProtection;

/// <summary>The raw scores (0..1) at which a scorer reaches each confidence.</summary>
internal readonly record struct ConfidenceThresholds(double Low, double Medium, double High)
{
    public ThreatConfidence Of(double score) =>
        score >= High ? ThreatConfidence.High
        : score >= Medium ? ThreatConfidence.Medium
        : score >= Low ? ThreatConfidence.Low
        : ThreatConfidence.None;
}
