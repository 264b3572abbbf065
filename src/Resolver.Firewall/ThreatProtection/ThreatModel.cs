using System.IO.Hashing;
using System.Reflection;

namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// The data behind the lexical scores, built once per process from the embedded word lists
/// (<c>Data/english-words.txt</c>, <c>Data/benign-labels.txt</c>; see <c>Data/README.md</c>): a few
/// milliseconds and about 3 MB, shared by every <see cref="ThreatDetector"/>.
/// </summary>
internal sealed class ThreatModel
{
    private static readonly Lazy<ThreatModel> SharedModel = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly HashSet<ulong> _benignLabels;

    private ThreatModel(NgramModel ngrams, WordDictionary words, HashSet<ulong> benignLabels)
    {
        Ngrams = ngrams;
        Words = words;
        _benignLabels = benignLabels;
    }

    public static ThreatModel Shared => SharedModel.Value;

    public NgramModel Ngrams { get; }

    public WordDictionary Words { get; }

    /// <summary>Whether the label is a known real name (a service, brand or Public Suffix List label).</summary>
    public bool IsBenignLabel(ReadOnlySpan<byte> label) => _benignLabels.Contains(XxHash3.HashToUInt64(label));

    private static ThreatModel Build()
    {
        var words = ReadLines("threat/english-words.txt");
        var benign = ReadLines("threat/benign-labels.txt");
        var benignHashes = new HashSet<ulong>(benign.Count);
        foreach (var label in benign)
        {
            benignHashes.Add(XxHash3.HashToUInt64(System.Text.Encoding.ASCII.GetBytes(label)));
        }

        return new ThreatModel(NgramModel.Train(words, benign), WordDictionary.Build(words), benignHashes);
    }

    private static List<string> ReadLines(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
