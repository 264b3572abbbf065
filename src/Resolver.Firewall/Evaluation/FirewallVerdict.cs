namespace Resolver.Firewall.Evaluation;

/// <summary>The outcome of evaluating one name for one client.</summary>
public readonly record struct FirewallVerdict(FirewallVerdictKind Kind, CompiledNetwork Network, CompiledRule? Rule)
{
    /// <summary>True when the query must be answered by the firewall rather than forwarded.</summary>
    public bool Blocks => (Kind == FirewallVerdictKind.Matched && Rule!.IsBlock) || (Kind == FirewallVerdictKind.Unevaluable && !Network.Network.FailOpen);

    /// <summary>True when the names of the answer's CNAME/DNAME chain must be evaluated too.</summary>
    public bool InspectsRedirection => Kind switch
    {
        FirewallVerdictKind.NoMatch => Network.HasRules,
        FirewallVerdictKind.Matched => !Rule!.TrustsRedirection,
        _ => false,
    };
}
