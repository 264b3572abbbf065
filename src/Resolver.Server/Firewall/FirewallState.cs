using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Rulesets;

namespace Resolver.Server.Firewall;

/// <summary>
/// The firewall in force. Queries read <see cref="Current"/> once and use that snapshot to the end;
/// a reload swaps in a new one atomically, so no query ever waits for a reload or sees half of one.
/// </summary>
public sealed class FirewallState
{
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
        return true;
    }
}
