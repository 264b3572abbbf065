namespace Resolver.Firewall.Evaluation;

public enum FirewallVerdictKind
{
    /// <summary>The client's network has no rule group: the query is not filtered.</summary>
    NotFiltered,

    /// <summary>Rules ran and none matched: the query resolves normally.</summary>
    NoMatch,

    /// <summary>A rule matched: <see cref="FirewallVerdict.Rule"/> decides.</summary>
    Matched,

    /// <summary>The network's rules cannot be evaluated (a list failed to load): fail open or closed.</summary>
    Unevaluable,
}
