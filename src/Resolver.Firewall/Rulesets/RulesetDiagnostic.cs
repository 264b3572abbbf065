namespace Resolver.Firewall.Rulesets;

/// <summary>A problem found while loading rulesets, with where it is. Errors reject the load; warnings skip an entry.</summary>
public sealed record RulesetDiagnostic(string File, int Line, string Message, bool IsError)
{
    public override string ToString() => $"{File}:{Line}: {(IsError ? "error" : "warning")}: {Message}";
}
