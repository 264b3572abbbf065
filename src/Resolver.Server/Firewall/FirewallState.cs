using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;

namespace Resolver.Server.Firewall;

/// <summary>
/// The firewall in force. Queries read <see cref="Current"/> once and use that snapshot to the end;
/// a change swaps in a new one atomically, so no query ever waits for a reload or sees half of one.
/// </summary>
/// <remarks>
/// Two sources make the firewall: the rulesets files (<see cref="Apply"/>) and the management API
/// (<see cref="ApplyOverlay"/>). Each source's lists are indexed in their own segment, so an API change
/// re-indexes only the API's lists and is live in milliseconds even beside a million-name file list.
/// </remarks>
public sealed class FirewallState : IDisposable
{
    private const int LargeLoadNames = 100_000;

    private static readonly TimeSpan CompactionDelay = TimeSpan.FromSeconds(1);

    private readonly Timer _compaction = new(static _ => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
    private readonly Lock _compose = new();
    private CompiledFirewall _current = CompiledFirewall.Empty;
    private FirewallDefinition _files = FirewallDefinition.Empty;
    private DomainListSegment _fileSegment = DomainListSegment.Empty;
    private FirewallOverlay _overlay = FirewallOverlay.Empty;
    private DomainListSegment _overlaySegment = DomainListSegment.Empty;

    // The API's lists as given (small), to tell whether the next overlay can reuse their segment.
    private IReadOnlyList<DomainList> _overlaySource = [];
    private long _reloads;
    private long _reloadFailures;

    public CompiledFirewall Current => Volatile.Read(ref _current);

    /// <summary>The rules' hit counters, kept across reloads.</summary>
    public RuleHitRegistry RuleHits { get; } = new();

    /// <summary>What the rulesets files define (lists read back from the index), without the API's additions.</summary>
    public FirewallDefinition Files
    {
        get
        {
            lock (_compose)
            {
                return _files with { DomainLists = _fileSegment.Lists };
            }
        }
    }

    /// <summary>Successful loads, the first one included.</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>Loads rejected because of errors; the previous firewall kept serving.</summary>
    public long ReloadFailures => Interlocked.Read(ref _reloadFailures);

    /// <summary>The diagnostics of the last load attempt, good or bad.</summary>
    public IReadOnlyList<RulesetDiagnostic> LastDiagnostics { get; private set; } = [];

    /// <summary>Raised after a load of the rulesets files was installed (outside any lock).</summary>
    public event Action? FilesChanged;

    /// <summary>Installs a successful load, or records a failed one and keeps the current firewall.</summary>
    public bool Apply(RulesetLoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        LastDiagnostics = result.Diagnostics;
        if (result.Definition is null)
        {
            Interlocked.Increment(ref _reloadFailures);
            return false;
        }

        lock (_compose)
        {
            _fileSegment = DomainListSegment.Build(result.Definition.DomainLists);
            _files = result.Definition with { DomainLists = [] };
            Recompose();
        }

        Interlocked.Increment(ref _reloads);

        // A load of a large list leaves tens of megabytes of parse garbage and the previous firewall behind,
        // and the query path allocates nothing, so no collection would ever come to return that memory.
        // Once the loader's locals are gone, one aggressive collection gives it back to the OS. It pauses
        // the process, so only loads large enough to matter pay for it.
        if (Current.IndexedNames >= LargeLoadNames)
        {
            _compaction.Change(CompactionDelay, Timeout.InfiniteTimeSpan);
        }

        FilesChanged?.Invoke();
        return true;
    }

    /// <summary>Installs the API's resources on top of the files' (replacing the previous overlay).</summary>
    public void ApplyOverlay(FirewallOverlay overlay)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        lock (_compose)
        {
            if (!SameLists(overlay.DomainLists, _overlaySource))
            {
                _overlaySegment = DomainListSegment.Build(overlay.DomainLists);
                _overlaySource = overlay.DomainLists;
            }

            _overlay = overlay;
            Recompose();
        }
    }

    public void Dispose() => _compaction.Dispose();

    private static bool SameLists(IReadOnlyList<DomainList> a, IReadOnlyList<DomainList> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private void Recompose()
    {
        var overlay = _overlay;
        var listNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in _fileSegment.Lists)
        {
            listNames.Add(list.Name);
        }

        foreach (var list in _overlaySegment.Lists)
        {
            listNames.Add(list.Name);
        }

        // An API rule may use a file list that a later reload removed: the rule stays, as a list that
        // cannot be evaluated, so its networks fail open or closed as configured rather than silently
        // losing the rule.
        var missing = new List<DomainList>();
        var groups = new List<RuleGroup>(_files.RuleGroups);
        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in _files.RuleGroups)
        {
            groupNames.Add(group.Name);
        }

        foreach (var group in overlay.RuleGroups)
        {
            foreach (var rule in group.Rules)
            {
                if (rule.DomainListName is not null && listNames.Add(rule.DomainListName))
                {
                    missing.Add(new DomainList(rule.DomainListName, []) { LoadFailure = "the domain list no longer exists" });
                }
            }

            groups.Add(group);
            groupNames.Add(group.Name);
        }

        var networks = new List<FirewallNetwork>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var network in _files.Networks)
        {
            known.Add(network.Name);
            networks.Add(Merge(network, overlay, groupNames));
        }

        if (!known.Contains(FirewallNetwork.DefaultName))
        {
            var implicitDefault = Merge(new FirewallNetwork(FirewallNetwork.DefaultName, [], []), overlay, groupNames);
            if (implicitDefault.Associations.Count > 0 || overlay.FailOpen.ContainsKey(FirewallNetwork.DefaultName))
            {
                networks.Add(implicitDefault);
            }
        }

        DomainListSegment[] segments = missing.Count == 0
            ? [_fileSegment, _overlaySegment]
            : [_fileSegment, _overlaySegment, DomainListSegment.Build(missing)];
        Volatile.Write(ref _current, CompiledFirewall.Compile(segments, groups, networks, hits: RuleHits));
    }

    private static FirewallNetwork Merge(FirewallNetwork network, FirewallOverlay overlay, HashSet<string> groupNames)
    {
        List<RuleGroupAssociation>? associations = null;
        foreach (var added in overlay.Associations)
        {
            if (added.NetworkName == network.Name && groupNames.Contains(added.Association.RuleGroupName))
            {
                associations ??= [.. network.Associations];
                associations.Add(added.Association);
            }
        }

        var failOpen = overlay.FailOpen.TryGetValue(network.Name, out var setting) ? setting : network.FailOpen;
        return associations is null && failOpen == network.FailOpen
            ? network
            : network with { Associations = associations ?? network.Associations, FailOpen = failOpen };
    }
}
