using System.Collections.Concurrent;

namespace Resolver.Firewall.Evaluation;

/// <summary>
/// The hit counters of rules by rule group id and rule name, kept by the owner of the firewall so that a
/// reload keeps counting where the last firewall stopped (metrics counters never go back).
/// </summary>
public sealed class RuleHitRegistry
{
    private readonly ConcurrentDictionary<(string GroupId, string Rule), RuleHits> _hits = new();

    public RuleHits For(string groupId, string rule) => _hits.GetOrAdd((groupId, rule), static _ => new RuleHits());

    /// <summary>Every counter handed out, with its group id and rule name.</summary>
    public IEnumerable<(string GroupId, string Rule, RuleHits Hits)> All()
    {
        foreach (var ((groupId, rule), hits) in _hits)
        {
            yield return (groupId, rule, hits);
        }
    }
}
