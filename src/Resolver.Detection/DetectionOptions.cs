namespace Resolver.Detection;

/// <summary>
/// Resolver-bypass detection settings (section <c>Resolver:Detection</c>). The batch command takes them from
/// its flags; the server follows <see cref="FlowLogFolder"/> only when it is set.
/// </summary>
public sealed class DetectionOptions
{
    public const string SectionName = "Resolver:Detection";

    /// <summary>How long an instance's pattern is learned, and how long a server stays known after its last use.</summary>
    public TimeSpan LearningWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Resolvers (addresses or CIDR ranges) that never raise findings: the sanctioned ones.</summary>
    public IList<string> AllowedResolvers { get; } = [];

    /// <summary>Catalog files read after the built-in one (same format as rulesets/public-dns-services.yaml).</summary>
    public IList<string> ServiceFiles { get; } = [];

    /// <summary>Written in findings when a record has no account-id.</summary>
    public string AccountId { get; set; } = "000000000000";

    public string Region { get; set; } = "us-east-1";

    /// <summary>Shown in findings and ARNs; empty derives a stable one from account and region.</summary>
    public string? DetectorId { get; set; }

    /// <summary>Folder of flow-log files the server follows as they grow; empty turns hosted detection off.</summary>
    public string? FlowLogFolder { get; set; }

    /// <summary>Where the server appends findings; empty means <c>findings.jsonl</c> in the state folder.</summary>
    public string? FindingsFile { get; set; }

    /// <summary>Baseline, findings and read positions; empty means <c>flow-log-detection.json</c> in the state folder.</summary>
    public string? StateFile { get; set; }

    /// <summary>How often the followed folder is checked for new files and lines.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Findings remembered (for counts and ids across runs); the least recently updated go first.</summary>
    public int MaxFindings { get; set; } = Findings.FindingAggregator.DefaultCapacity;

    /// <summary>A finding not updated for this long is forgotten (GuardDuty keeps findings 90 days).</summary>
    public TimeSpan FindingRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Score every query the server answers and report GuardDuty's DNS findings (C&amp;C, mining pool, DGA,
    /// exfiltration) to <see cref="FindingsFile"/>. Off by default: it costs a copy per query and about a
    /// microsecond of scoring on a background thread.
    /// </summary>
    public bool DnsFindings { get; set; }

    /// <summary>The confidence at which a DGA or tunnelling score becomes a finding (LOW, MEDIUM, HIGH).</summary>
    public Resolver.Firewall.ThreatProtection.ThreatConfidence DnsFindingsConfidence { get; set; } = Resolver.Firewall.ThreatProtection.ThreatConfidence.High;

    /// <summary>Queries waiting to be scored before the server stops observing (and counts the drops).</summary>
    public int DnsFindingsQueueCapacity { get; set; } = 4096;

    public string EffectiveDetectorId => string.IsNullOrWhiteSpace(DetectorId) ? Findings.FindingIds.DefaultDetectorId(AccountId, Region) : DetectorId;
}
