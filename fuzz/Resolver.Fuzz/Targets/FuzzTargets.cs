namespace Resolver.Fuzz.Targets;

/// <summary>Every target, by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } = ["dns-query", "pipeline", "upstream-answer", "ruleset", "domain-list", "flow-log"];

    /// <summary>Makes a fresh target (the pipeline targets own a pipeline and its cache); null for an unknown name.</summary>
    public static IFuzzTarget? Create(string name) => name switch
    {
        "dns-query" => new DnsQueryTarget(),
        "pipeline" => new PipelineTarget(),
        "upstream-answer" => new UpstreamAnswerTarget(),
        "ruleset" => new RulesetTarget(),
        "domain-list" => new DomainListTarget(),
        "flow-log" => new FlowLogTarget(),
        _ => null,
    };
}
