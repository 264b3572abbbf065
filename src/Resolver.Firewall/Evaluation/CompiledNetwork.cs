using Resolver.Firewall.Matching;
using Resolver.Firewall.Model;

namespace Resolver.Firewall.Evaluation;

/// <summary>
/// A network's rules in evaluation order (association priority, then rule priority), with, per domain
/// list, the positions of the rules that use it. A lookup visits only the rules of the lists that matched.
/// </summary>
public sealed class CompiledNetwork
{
    private static readonly int[] NoPositions = [];

    private readonly CompiledRule[] _rules;
    private readonly int[][] _positionsByList;

    internal CompiledNetwork(FirewallNetwork network, CompiledRule[] rules, int listCount, string? unevaluableReason)
    {
        Network = network;
        _rules = rules;
        UnevaluableReason = unevaluableReason;
        _positionsByList = new int[listCount][];
        Array.Fill(_positionsByList, NoPositions);
        for (var position = 0; position < rules.Length; position++)
        {
            var list = rules[position].ListIndex;
            _positionsByList[list] = [.. _positionsByList[list], position];
        }
    }

    public FirewallNetwork Network { get; }

    /// <summary>The rules in the order they are evaluated.</summary>
    public IReadOnlyList<CompiledRule> Rules => _rules;

    public bool HasRules => _rules.Length > 0;

    /// <summary>Why the rules cannot be evaluated (a list failed to load), or null.</summary>
    public string? UnevaluableReason { get; }

    internal FirewallVerdict Evaluate(DomainListSegment[] segments, ReadOnlySpan<byte> lowerWireName, ushort qtype)
    {
        if (_rules.Length == 0)
        {
            return new FirewallVerdict(FirewallVerdictKind.NotFiltered, this, null);
        }

        if (UnevaluableReason is not null)
        {
            return new FirewallVerdict(FirewallVerdictKind.Unevaluable, this, null);
        }

        Span<int> matchedSets = stackalloc int[DomainIndex.MaxMatchedSets];
        var first = int.MaxValue;
        var listBase = 0;
        foreach (var segment in segments)
        {
            var index = segment.Index;
            var setCount = index.Match(lowerWireName, matchedSets);
            for (var s = 0; s < setCount; s++)
            {
                foreach (var list in index.ListsOf(matchedSets[s]))
                {
                    foreach (var position in _positionsByList[listBase + list])
                    {
                        if (position >= first)
                        {
                            break;
                        }

                        var qtypeFilter = _rules[position].Rule.Qtype;
                        if (qtypeFilter == 0 || qtypeFilter == qtype)
                        {
                            first = position;
                            break;
                        }
                    }
                }
            }

            listBase += segment.Lists.Count;
        }

        return first == int.MaxValue
            ? new FirewallVerdict(FirewallVerdictKind.NoMatch, this, null)
            : new FirewallVerdict(FirewallVerdictKind.Matched, this, _rules[first]);
    }
}
