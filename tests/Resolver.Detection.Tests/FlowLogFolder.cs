using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Resolver.Detection.Tests;

/// <summary>A temporary folder of flow-log files written by a test, and default-format lines to put in them.</summary>
public sealed class FlowLogFolder : IDisposable
{
    /// <summary>2023-11-14T22:13:20Z: the first record of most tests.</summary>
    public const long T0 = 1_700_000_000;

    public const long Day = 86_400;

    public const string Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    public string Path { get; } = Directory.CreateTempSubdirectory("flowlogs-").FullName;

    public string StateFile => System.IO.Path.Combine(Path, "state", "state.json");

    public void Dispose() => Directory.Delete(Path, recursive: true);

    /// <summary>One default-format record: an outbound flow of the instance eni-1 (10.0.0.5) unless told otherwise.</summary>
    public static string Line(
        string dst,
        int dstPort = 53,
        int protocol = 17,
        long start = T0,
        string action = "ACCEPT",
        string status = "OK",
        string eni = "eni-1",
        string src = "10.0.0.5",
        int srcPort = 40000,
        string account = "123456789012") =>
        string.Create(CultureInfo.InvariantCulture, $"2 {account} {eni} {src} {dst} {srcPort} {dstPort} {protocol} 1 60 {start} {start + 60} {action} {status}");

    public string Write(string name, params string[] lines)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, string.Join('\n', lines) + "\n");
        return file;
    }

    public string WriteGzip(string name, params string[] lines)
    {
        var file = System.IO.Path.Combine(Path, name);
        using var stream = File.Create(file);
        using var gzip = new GZipStream(stream, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        return file;
    }
}
