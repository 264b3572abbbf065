using System.Collections.Concurrent;

namespace Resolver.Detection.Findings;

/// <summary>
/// Findings counted per type for the metrics: how many distinct findings were raised and how many
/// occurrences they gathered. Shared by the flow-log follower and the query-stream detector.
/// </summary>
public sealed class FindingMetrics
{
    private readonly ConcurrentDictionary<string, Counts> _byType = new(StringComparer.Ordinal);

    /// <summary>Findings raised and occurrences seen, per finding type.</summary>
    public IReadOnlyDictionary<string, (long Raised, long Occurrences)> Snapshot()
    {
        var snapshot = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var (type, counts) in _byType)
        {
            snapshot[type] = (Interlocked.Read(ref counts.Raised), Interlocked.Read(ref counts.Occurrences));
        }

        return snapshot;
    }

    /// <summary>Counts the findings just written: a finding of count 1 is new, any other is a repeat.</summary>
    public void Count(IEnumerable<Finding> written, IReadOnlyDictionary<string, long>? previousCounts = null)
    {
        ArgumentNullException.ThrowIfNull(written);
        foreach (var finding in written)
        {
            var counts = _byType.GetOrAdd(finding.Type, static _ => new Counts());
            var before = previousCounts is not null && previousCounts.TryGetValue(finding.Id, out var previous) ? previous : 0;
            if (before == 0)
            {
                Interlocked.Increment(ref counts.Raised);
            }

            Interlocked.Add(ref counts.Occurrences, finding.Service.Count - before);
        }
    }

    private sealed class Counts
    {
        public long Raised;
        public long Occurrences;
    }
}
