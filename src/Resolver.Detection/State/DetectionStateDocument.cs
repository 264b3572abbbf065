using Resolver.Detection.Findings;

namespace Resolver.Detection.State;

/// <summary>The state file: the baseline, the findings (for counts and ids across runs) and how far each file was read.</summary>
internal sealed class DetectionStateDocument
{
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;

    /// <summary>The latest flow-record time seen.</summary>
    public DateTimeOffset? Clock { get; set; }

    public List<InstanceState> Instances { get; set; } = [];

    public List<Finding> Findings { get; set; } = [];

    public List<FileState> Files { get; set; } = [];
}
