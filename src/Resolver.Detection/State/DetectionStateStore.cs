using System.Text.Json;

namespace Resolver.Detection.State;

/// <summary>
/// Reads and writes the state file. Writes go to a temporary file beside it, flushed to disk, then renamed
/// over it, so a crash leaves the old state or the new one, never half of one.
/// </summary>
internal static class DetectionStateStore
{
    /// <summary>The saved state; an empty one when the file does not exist. Throws <see cref="InvalidDataException"/> when it cannot be read.</summary>
    public static DetectionStateDocument Load(string path)
    {
        if (!File.Exists(path))
        {
            return new DetectionStateDocument();
        }

        try
        {
            using var stream = File.OpenRead(path);
            var document = JsonSerializer.Deserialize(stream, DetectionStateJsonContext.Default.DetectionStateDocument)
                ?? throw new JsonException("the file holds null");
            if (document.Version != DetectionStateDocument.CurrentVersion)
            {
                throw new JsonException($"version {document.Version} is not {DetectionStateDocument.CurrentVersion}");
            }

            return document;
        }
        catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new InvalidDataException($"state file '{path}' cannot be read: {exception.Message}", exception);
        }
    }

    public static void Save(string path, DetectionStateDocument document)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, document, DetectionStateJsonContext.Default.DetectionStateDocument);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
