namespace Resolver.Detection.Findings;

/// <summary>
/// Holds findings by id and merges repeats into them (count, eventLastSeen, updatedAt), as GuardDuty updates
/// one finding for repeated behaviour. Bounded: beyond <see cref="Capacity"/> the finding updated longest ago
/// is dropped (a later repeat starts it again at count 1). Not thread-safe: one owner feeds it.
/// </summary>
public sealed class FindingAggregator
{
    public const int DefaultCapacity = 10_000;

    private readonly Dictionary<string, Finding> _findings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);

    public FindingAggregator(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _findings.Count;

    public IReadOnlyCollection<Finding> All => _findings.Values;

    public bool TryGet(string id, out Finding? finding) => _findings.TryGetValue(id, out finding);

    /// <summary>Findings kept from an earlier run; they are not "changed" until they happen again.</summary>
    public void Restore(IEnumerable<Finding> findings)
    {
        foreach (var finding in findings)
        {
            _findings[finding.Id] = finding;
        }

        Trim();
    }

    /// <summary>
    /// Adds <paramref name="occurrence"/>, or merges it into the finding with its id: counts add up, first and
    /// last seen widen, updatedAt moves to the later one, everything else stays as first written.
    /// </summary>
    public Finding Record(Finding occurrence)
    {
        var merged = _findings.TryGetValue(occurrence.Id, out var existing) ? Merge(existing, occurrence) : occurrence;
        _findings[merged.Id] = merged;
        _changed.Add(merged.Id);
        Trim();
        return merged;
    }

    /// <summary>One more occurrence of a known finding; false when it is no longer held.</summary>
    public bool TryRecordRepeat(string id, DateTimeOffset firstSeen, DateTimeOffset lastSeen, long count = 1)
    {
        if (!_findings.TryGetValue(id, out var existing))
        {
            return false;
        }

        Record(existing with
        {
            UpdatedAt = lastSeen,
            Service = existing.Service with { Count = count, EventFirstSeen = firstSeen, EventLastSeen = lastSeen },
        });
        return true;
    }

    /// <summary>The findings new or updated since the last call, oldest first.</summary>
    public IReadOnlyList<Finding> TakeChanged()
    {
        var changed = new List<Finding>(_changed.Count);
        foreach (var id in _changed)
        {
            if (_findings.TryGetValue(id, out var finding))
            {
                changed.Add(finding);
            }
        }

        _changed.Clear();
        changed.Sort(static (a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.Id, b.Id));
        return changed;
    }

    /// <summary>Drops findings not updated since <paramref name="before"/>; returns how many.</summary>
    public int PruneUpdatedBefore(DateTimeOffset before)
    {
        var stale = _findings.Values.Where(finding => finding.UpdatedAt < before).Select(finding => finding.Id).ToList();
        foreach (var id in stale)
        {
            _findings.Remove(id);
            _changed.Remove(id);
        }

        return stale.Count;
    }

    private static Finding Merge(Finding existing, Finding occurrence) => existing with
    {
        UpdatedAt = Max(existing.UpdatedAt, occurrence.UpdatedAt),
        Service = existing.Service with
        {
            Count = existing.Service.Count + occurrence.Service.Count,
            EventFirstSeen = Min(existing.Service.EventFirstSeen, occurrence.Service.EventFirstSeen),
            EventLastSeen = Max(existing.Service.EventLastSeen, occurrence.Service.EventLastSeen),
        },
    };

    private void Trim()
    {
        while (_findings.Count > Capacity)
        {
            var oldest = _findings.Values.MinBy(finding => finding.UpdatedAt)!;
            _findings.Remove(oldest.Id);
            _changed.Remove(oldest.Id);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
