using Resolver.Detection.Findings;
using Resolver.Detection.FlowLogs;

namespace Resolver.Detection.Tests;

/// <summary>Runs a detection session over files as the batch command does, and collects what it says.</summary>
public static class Detection
{
    public static DetectionRun Run(IEnumerable<string> files, string? stateFile = null, Action<DetectionOptions>? configure = null)
    {
        var options = new DetectionOptions();
        configure?.Invoke(options);
        var session = FlowLogDetectionSession.Open(options, stateFile);
        var diagnostics = new List<FlowLogDiagnostic>();
        foreach (var file in files)
        {
            session.ReadFile(file, follow: false, diagnostics.Add);
        }

        var findings = session.TakeChangedFindings();
        session.Save();
        return new DetectionRun(findings, diagnostics, session);
    }

    public static DetectionRun Run(string file, string? stateFile = null, Action<DetectionOptions>? configure = null) =>
        Run([file], stateFile, configure);
}

public sealed record DetectionRun(IReadOnlyList<Finding> Findings, IReadOnlyList<FlowLogDiagnostic> Diagnostics, FlowLogDetectionSession Session);
