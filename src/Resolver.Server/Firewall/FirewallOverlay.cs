using Resolver.Firewall.Model;

namespace Resolver.Server.Firewall;

/// <summary>
/// What the management API adds on top of the rulesets files: its own lists and rule groups (named by
/// their ids, so they never clash with file names), associations of rule groups with networks, and
/// per-network fail-open settings that override the files'.
/// </summary>
public sealed record FirewallOverlay(
    IReadOnlyList<DomainList> DomainLists,
    IReadOnlyList<RuleGroup> RuleGroups,
    IReadOnlyList<OverlayAssociation> Associations,
    IReadOnlyDictionary<string, bool> FailOpen)
{
    public static FirewallOverlay Empty { get; } = new([], [], [], new Dictionary<string, bool>());
}
