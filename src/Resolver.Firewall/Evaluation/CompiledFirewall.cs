using System.Net;
using Resolver.Firewall.Matching;
using Resolver.Firewall.Model;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Evaluation;

/// <summary>
/// An immutable, evaluation-ready firewall: one domain index over every list and each network's rules in
/// order. A reload builds a new instance and swaps it in; evaluation never locks and never allocates.
/// </summary>
public sealed class CompiledFirewall
{
    private readonly DomainListSegment[] _segments;
    private readonly NetworkSelector _selector;

    private static readonly Lazy<ThreatDetector> SharedThreatDetector = new(() => new ThreatDetector(PublicSuffixList.LoadDefault()));

    private readonly ThreatDetector? _threats;

    private CompiledFirewall(FirewallDefinition definition, DomainListSegment[] segments, IReadOnlyList<CompiledNetwork> networks, NetworkSelector selector, ThreatDetector? threats)
    {
        Definition = definition;
        _segments = segments;
        Networks = networks;
        _selector = selector;
        _threats = threats;
    }

    public static CompiledFirewall Empty { get; } = Compile(FirewallDefinition.Empty);

    /// <summary>Everything compiled: the lists of every segment in order, the groups and the networks.</summary>
    public FirewallDefinition Definition { get; }

    public IReadOnlyList<CompiledNetwork> Networks { get; }

    /// <summary>The indexed lists this firewall was built from, for reuse by the next compilation.</summary>
    public IReadOnlyList<DomainListSegment> Segments => _segments;

    public int IndexedNames
    {
        get
        {
            var names = 0;
            foreach (var segment in _segments)
            {
                names += segment.IndexedNames;
            }

            return names;
        }
    }

    /// <summary>
    /// Builds the index and the networks. The definition must be consistent (every referenced list and
    /// group exists): the rulesets loader guarantees it and reports what is not.
    /// </summary>
    public static CompiledFirewall Compile(FirewallDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Compile([DomainListSegment.Build(definition.DomainLists)], definition.RuleGroups, definition.Networks);
    }

    /// <summary>
    /// Builds the networks over lists indexed beforehand. List names must be unique across the segments
    /// and every list and group the networks reference must exist.
    /// </summary>
    /// <remarks>
    /// Threat-protection rules are scored by <paramref name="threats"/>, or by one detector shared by the
    /// process (loaded on first need), so that the tunnelling state outlives reloads.
    /// </remarks>
    public static CompiledFirewall Compile(IReadOnlyList<DomainListSegment> segments, IReadOnlyList<RuleGroup> ruleGroups, IReadOnlyList<FirewallNetwork> networkDefinitions, ThreatDetector? threats = null, RuleHitRegistry? hits = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        hits ??= new RuleHitRegistry();
        var lists = new List<DomainList>();
        foreach (var segment in segments)
        {
            lists.AddRange(segment.Lists);
        }

        var listIndices = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lists.Count; i++)
        {
            listIndices[lists[i].Name] = i;
        }

        var definition = new FirewallDefinition(lists, ruleGroups, networkDefinitions);
        var groups = new Dictionary<string, RuleGroup>(StringComparer.Ordinal);
        foreach (var group in definition.RuleGroups)
        {
            groups[group.Name] = group;
        }

        var networks = new List<CompiledNetwork>();
        var ranges = new List<(IPNetwork, CompiledNetwork)>();
        CompiledNetwork? fallback = null;
        foreach (var network in definition.Networks)
        {
            var compiled = CompileNetwork(network, definition, groups, listIndices, hits);
            networks.Add(compiled);
            foreach (var cidr in network.Cidrs)
            {
                ranges.Add((cidr, compiled));
            }

            if (network.Name == FirewallNetwork.DefaultName && network.Cidrs.Count == 0)
            {
                fallback = compiled;
            }
        }

        if (fallback is null)
        {
            // Clients outside every configured range belong to an implicit default network with no rules.
            fallback = new CompiledNetwork(new FirewallNetwork(FirewallNetwork.DefaultName, [], []), [], lists.Count, null);
            if (networks.TrueForAll(n => n.Network.Name != FirewallNetwork.DefaultName))
            {
                networks.Add(fallback);
            }
        }

        if (threats is null && networks.Exists(n => n.HasThreatRules))
        {
            threats = SharedThreatDetector.Value;
        }

        return new CompiledFirewall(definition, [.. segments], networks, new NetworkSelector(ranges, fallback), threats);
    }

    /// <summary>The network of a client (16-byte address, IPv4 mapped).</summary>
    public CompiledNetwork SelectNetwork(ReadOnlySpan<byte> mappedClientAddress) => _selector.Select(mappedClientAddress);

    /// <summary>Evaluates a name (lower-case wire form) of type <paramref name="qtype"/> against a network's rules.</summary>
    public FirewallVerdict Evaluate(CompiledNetwork network, ReadOnlySpan<byte> lowerWireName, ushort qtype) =>
        network.Evaluate(_segments, _threats, lowerWireName, qtype);

    /// <summary>Convenience for tooling and tests: evaluates a textual name for a client address.</summary>
    public FirewallVerdict Evaluate(IPAddress client, string name, ushort qtype)
    {
        Span<byte> wire = stackalloc byte[256];
        var length = DomainIndexBuilder.Encode(name.TrimEnd('.').ToLowerInvariant(), wire);
        return Evaluate(SelectNetwork(NetworkSelector.ToMapped(client)), wire[..length], qtype);
    }

    private static CompiledNetwork CompileNetwork(FirewallNetwork network, FirewallDefinition definition, Dictionary<string, RuleGroup> groups, Dictionary<string, int> listIndices, RuleHitRegistry hits)
    {
        var associations = new List<RuleGroupAssociation>(network.Associations);
        associations.Sort((a, b) => a.Priority.CompareTo(b.Priority));
        var rules = new List<CompiledRule>();
        string? unevaluable = null;
        foreach (var association in associations)
        {
            var group = groups[association.RuleGroupName];
            var ordered = new List<FirewallRule>(group.Rules);
            ordered.Sort((a, b) => a.Priority.CompareTo(b.Priority));
            foreach (var rule in ordered)
            {
                // A threat-protection rule has no list (index -1): the network scores it apart.
                var listIndex = rule.DomainListName is null ? -1 : listIndices[rule.DomainListName];
                var list = listIndex < 0 ? null : definition.DomainLists[listIndex];
                if (list?.LoadFailure is not null)
                {
                    unevaluable ??= $"domain list '{list.Name}' is not available: {list.LoadFailure}";
                }

                rules.Add(new CompiledRule(rule, group, association, list, listIndex, hits.For(group.Id, rule.Name)));
            }
        }

        return new CompiledNetwork(network, [.. rules], definition.DomainLists.Count, unevaluable);
    }
}
