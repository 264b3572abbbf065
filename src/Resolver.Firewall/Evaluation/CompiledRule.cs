using Resolver.Firewall.Matching;
using Resolver.Firewall.Model;

namespace Resolver.Firewall.Evaluation;

/// <summary>A rule placed in its network's evaluation order, with what answering it needs precomputed.</summary>
public sealed class CompiledRule
{
    internal CompiledRule(FirewallRule rule, RuleGroup group, RuleGroupAssociation association, DomainList? list, int listIndex, RuleHits hits)
    {
        Hits = hits;
        Rule = rule;
        Group = group;
        Association = association;
        List = list;
        ListIndex = listIndex;
        RuleGroupId = group.Id;
        DomainListId = list?.Id;
        if (rule.BlockOverrideDomain is { } overrideDomain)
        {
            var wire = new byte[256];
            var length = DomainIndexBuilder.Encode(overrideDomain.TrimEnd('.').ToLowerInvariant(), wire);
            OverrideWireName = wire[..length];
        }
    }

    public FirewallRule Rule { get; }

    /// <summary>Queries this rule decided (counted by the server; shared with the rule's other networks).</summary>
    public RuleHits Hits { get; }

    public RuleGroup Group { get; }

    public RuleGroupAssociation Association { get; }

    /// <summary>The rule's domain list; null for a threat-protection rule.</summary>
    public DomainList? List { get; }

    /// <summary>The rule group's id as query logs and the API show it.</summary>
    public string RuleGroupId { get; }

    /// <summary>The domain list's id as query logs and the API show it; null for a threat-protection rule.</summary>
    public string? DomainListId { get; }

    /// <summary>The index of the rule's list among the compiled lists; -1 for a threat-protection rule.</summary>
    internal int ListIndex { get; }

    /// <summary>The override domain in wire form, for OVERRIDE answers.</summary>
    public byte[]? OverrideWireName { get; }

    public bool IsBlock => Rule.Action == FirewallAction.Block;

    public bool TrustsRedirection => Rule.Redirection == RedirectionAction.TrustRedirectionDomain;

    public override string ToString() => $"{Group.Name}/{Rule.Name}";
}
