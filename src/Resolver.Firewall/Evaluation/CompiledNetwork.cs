using Resolver.Firewall.Matching;
using Resolver.Firewall.Model;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Evaluation;

/// <summary>
/// A network's rules in evaluation order (association priority, then rule priority), with, per domain
/// list, the positions of the rules that use it. A lookup visits only the rules of the lists that matched.
/// </summary>
public sealed class CompiledNetwork
{
    private static readonly int[] NoPositions = [];

    private const byte Unscored = byte.MaxValue;

    private readonly CompiledRule[] _rules;
    private readonly int[][] _positionsByList;
    private readonly int[] _threatPositions;

    internal CompiledNetwork(FirewallNetwork network, CompiledRule[] rules, int listCount, string? unevaluableReason)
    {
        Network = network;
        _rules = rules;
        UnevaluableReason = unevaluableReason;
        _positionsByList = new int[listCount][];
        Array.Fill(_positionsByList, NoPositions);
        var threatPositions = new List<int>();
        for (var position = 0; position < rules.Length; position++)
        {
            var list = rules[position].ListIndex;
            if (list < 0)
            {
                threatPositions.Add(position);
                continue;
            }

            _positionsByList[list] = [.. _positionsByList[list], position];
        }

        _threatPositions = [.. threatPositions];
    }

    public FirewallNetwork Network { get; }

    /// <summary>The rules in the order they are evaluated.</summary>
    public IReadOnlyList<CompiledRule> Rules => _rules;

    public bool HasRules => _rules.Length > 0;

    /// <summary>True when a rule of the network scores queries with a threat protection (DNS Firewall Advanced).</summary>
    public bool HasThreatRules => _threatPositions.Length > 0;

    /// <summary>Why the rules cannot be evaluated (a list failed to load), or null.</summary>
    public string? UnevaluableReason { get; }

    internal FirewallVerdict Evaluate(DomainListSegment[] segments, ThreatDetector? threats, ReadOnlySpan<byte> lowerWireName, ushort qtype)
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

        if (threats is not null && _threatPositions.Length > 0)
        {
            first = FirstThreatMatch(threats, lowerWireName, qtype, first);
        }

        return first == int.MaxValue
            ? new FirewallVerdict(FirewallVerdictKind.NoMatch, this, null)
            : new FirewallVerdict(FirewallVerdictKind.Matched, this, _rules[first]);
    }

    // Threat rules come into play only before the first list match, and each protection is scored at most
    // once per query: scoring is the costly part, and tunnelling records the query as it scores it.
    private int FirstThreatMatch(ThreatDetector threats, ReadOnlySpan<byte> lowerWireName, ushort qtype, int first)
    {
        Span<byte> confidence = stackalloc byte[3];
        confidence.Fill(Unscored);
        foreach (var position in _threatPositions)
        {
            if (position >= first)
            {
                break;
            }

            var rule = _rules[position].Rule;
            if (rule.Qtype != 0 && rule.Qtype != qtype)
            {
                continue;
            }

            var protection = rule.ThreatProtection!.Value;
            ref var scored = ref confidence[(int)protection];
            if (scored == Unscored)
            {
                scored = (byte)threats.Score(protection, lowerWireName, qtype);
            }

            if (scored >= (byte)rule.ConfidenceThreshold)
            {
                return position;
            }
        }

        return first;
    }
}
