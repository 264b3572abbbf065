namespace Resolver.Detection.FlowLogs;

/// <summary>
/// How far a file has been read: bytes of its (decompressed) content, lines, the format in force there and
/// the file's length then, so a follower resumes where it stopped and notices a file that was replaced.
/// </summary>
public sealed record FlowLogCursor
{
    public static readonly FlowLogCursor Start = new();

    /// <summary>Bytes consumed, counted in the decompressed content for gzip files.</summary>
    public long Offset { get; init; }

    /// <summary>Lines consumed.</summary>
    public long Line { get; init; }

    /// <summary>The header in force at <see cref="Offset"/>; null for the default format.</summary>
    public string? Header { get; init; }

    /// <summary>The file's length on disk when it was last read.</summary>
    public long Length { get; init; }
}
