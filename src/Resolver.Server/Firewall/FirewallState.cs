using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Rulesets;

namespace Resolver.Server.Firewall;

/// <summary>
/// The firewall in force. Queries read <see cref="Current"/> once and use that snapshot to the end;
/// a reload swaps in a new one atomically, so no query ever waits for a reload or sees half of one.
/// </summary>
public sealed class FirewallState : IDisposable
{
    private const int LargeLoadNames = 100_000;

    private static readonly TimeSpan CompactionDelay = TimeSpan.FromSeconds(1);

    private readonly Timer _compaction = new(static _ => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
    private CompiledFirewall _current = CompiledFirewall.Empty;
    private long _reloads;
    private long _reloadFailures;

    public CompiledFirewall Current => Volatile.Read(ref _current);

    /// <summary>Successful loads, the first one included.</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>Loads rejected because of errors; the previous firewall kept serving.</summary>
    public long ReloadFailures => Interlocked.Read(ref _reloadFailures);

    /// <summary>The diagnostics of the last load attempt, good or bad.</summary>
    public IReadOnlyList<RulesetDiagnostic> LastDiagnostics { get; private set; } = [];

    /// <summary>Installs a successful load, or records a failed one and keeps the current firewall.</summary>
    public bool Apply(RulesetLoadResult result)
    {
        LastDiagnostics = result.Diagnostics;
        if (result.Definition is null)
        {
            Interlocked.Increment(ref _reloadFailures);
            return false;
        }

        Volatile.Write(ref _current, CompiledFirewall.Compile(result.Definition));
        Interlocked.Increment(ref _reloads);

        // A load of a large list leaves tens of megabytes of parse garbage and the previous firewall behind,
        // and the query path allocates nothing, so no collection would ever come to return that memory.
        // Once the loader's locals are gone, one aggressive collection gives it back to the OS. It pauses
        // the process, so only loads large enough to matter pay for it.
        if (Current.IndexedNames >= LargeLoadNames)
        {
            _compaction.Change(CompactionDelay, Timeout.InfiniteTimeSpan);
        }
        return true;
    }

    public void Dispose() => _compaction.Dispose();
}
