using System.Text.Encodings.Web;
using System.Text.Json;

namespace Resolver.Detection.Findings;

/// <summary>Writes findings as JSON lines (one finding per line), to standard output or appended to a file.</summary>
public sealed class FindingWriter
{
    // Findings are read by people and log tools, not embedded in HTML: "C&C" and "resolver's" stay as written.
    private static readonly FindingJsonContext Context = new(new JsonSerializerOptions(FindingJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    private readonly TextWriter _output;

    public FindingWriter(TextWriter output) => _output = output;

    public static string ToJson(Finding finding) => JsonSerializer.Serialize(finding, Context.Finding);

    public static Finding FromJson(string json) =>
        JsonSerializer.Deserialize(json, Context.Finding) ?? throw new JsonException("null finding");

    /// <summary>Appends to <paramref name="path"/> (made with its folder when missing), one flushed line per finding.</summary>
    public static void AppendToFile(string path, IEnumerable<Finding> findings)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        using var writer = new StreamWriter(stream);
        new FindingWriter(writer).Write(findings);
    }

    public void Write(Finding finding)
    {
        _output.Write(ToJson(finding));
        _output.Write('\n');
    }

    public void Write(IEnumerable<Finding> findings)
    {
        foreach (var finding in findings)
        {
            Write(finding);
        }

        _output.Flush();
    }
}
