using Resolver.Firewall.Model;

namespace Resolver.Firewall.Rulesets;

/// <summary>What loading a rulesets folder produced: a definition when there was no error, and every diagnostic.</summary>
public sealed record RulesetLoadResult(FirewallDefinition? Definition, IReadOnlyList<RulesetDiagnostic> Diagnostics)
{
    public bool Succeeded => Definition is not null;

    /// <summary>The url lists the folder names, for the downloader to keep fresh.</summary>
    public IReadOnlyList<RemoteListSpecification> RemoteLists { get; init; } = [];

    public IEnumerable<RulesetDiagnostic> Errors => Diagnostics.Where(d => d.IsError);
}
