namespace Resolver.Detection.State;

/// <summary>How far one flow-log file was read (see <see cref="FlowLogs.FlowLogCursor"/>).</summary>
internal sealed class FileState
{
    public string Path { get; set; } = "";

    public long Offset { get; set; }

    public long Line { get; set; }

    public string? Header { get; set; }

    public long Length { get; set; }
}
