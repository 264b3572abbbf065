namespace Resolver.Cli;

/// <summary>What the command line says for <c>detect</c>.</summary>
public sealed class DetectSettings
{
    /// <summary>Flow-log files or folders (every file of a folder, sorted).</summary>
    public IReadOnlyList<string> FlowLogs { get; init; } = [];

    /// <summary>State file carried across runs; null keeps everything in memory for this run.</summary>
    public string? StateFile { get; init; }

    public TimeSpan? LearningWindow { get; init; }

    public IReadOnlyList<string> ServiceFiles { get; init; } = [];

    public IReadOnlyList<string> Allow { get; init; } = [];

    public string? AccountId { get; init; }

    public string? Region { get; init; }
}
