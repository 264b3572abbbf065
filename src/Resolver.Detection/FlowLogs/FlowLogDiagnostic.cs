using System.Globalization;

namespace Resolver.Detection.FlowLogs;

/// <summary>A line that could not be read: reported, counted and skipped, never fatal.</summary>
public sealed record FlowLogDiagnostic(string File, long Line, string Reason)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}: {Reason}");
}
