using System.Globalization;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Cli;

/// <summary>
/// <c>resolver check --rulesets DIR</c>: loads a rulesets folder as the server would and prints what it
/// defines (lists with entry counts, rule groups, each network's rules in evaluation order), or every
/// error with file and line and exit code 1.
/// </summary>
public static class CheckCommand
{
    public static int Run(string folder, TextWriter output, TextWriter error)
    {
        var fullPath = Path.GetFullPath(folder);
        if (!Directory.Exists(fullPath))
        {
            error.WriteLine($"resolver check: rulesets folder '{fullPath}' does not exist");
            return ResolverCommandLine.ExitFailure;
        }

        var result = RulesetLoader.Load(fullPath);
        foreach (var diagnostic in result.Diagnostics)
        {
            (diagnostic.IsError ? error : output).WriteLine(diagnostic.ToString());
        }

        if (result.Definition is null)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resolver check: {result.Errors.Count()} error(s) in {fullPath}"));
            return ResolverCommandLine.ExitFailure;
        }

        Print(CompiledFirewall.Compile(result.Definition), fullPath, output);
        return ResolverCommandLine.ExitOk;
    }

    private static void Print(CompiledFirewall firewall, string folder, TextWriter output)
    {
        var definition = firewall.Definition;
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine($"Rulesets in {folder}: OK");
        output.WriteLine();
        output.WriteLine("Domain lists:");
        foreach (var list in definition.DomainLists)
        {
            var kind = list.ManagedOwnerName is null ? list.Source ?? "inline" : "managed";
            output.WriteLine(string.Create(invariant, $"  {list.Name,-44} {list.Domains.Count,8} entries  ({kind})"));
        }

        output.WriteLine();
        output.WriteLine("Rule groups:");
        foreach (var group in definition.RuleGroups)
        {
            output.WriteLine(string.Create(invariant, $"  {group.Name} ({group.Rules.Count} rules)"));
        }

        output.WriteLine();
        output.WriteLine("Networks (rules in evaluation order):");
        foreach (var network in firewall.Networks)
        {
            var cidrs = network.Network.Cidrs.Count == 0 ? "every client not in another network" : string.Join(", ", network.Network.Cidrs);
            output.WriteLine($"  {network.Network.Name} [{cidrs}] failOpen={(network.Network.FailOpen ? "true" : "false")}");
            if (network.Rules.Count == 0)
            {
                output.WriteLine("    (no rule groups: queries are not filtered)");
            }

            var position = 1;
            foreach (var rule in network.Rules)
            {
                output.WriteLine(string.Create(invariant, $"    {position++,3}. {rule.Association.Priority,4}/{rule.Rule.Priority,-5} {rule.Group.Name}/{rule.Rule.Name}: {Describe(rule.Rule)}"));
            }
        }
    }

    private static string Describe(FirewallRule rule)
    {
        var text = rule.ThreatProtection is { } protection
            ? $"{ThreatProtectionNames.Name(protection)} at {ThreatProtectionNames.Name(rule.ConfidenceThreshold)} confidence -> {ActionName(rule.Action)}"
            : $"{rule.DomainListName} -> {ActionName(rule.Action)}";
        if (rule.BlockResponse is { } response)
        {
            text += response switch
            {
                BlockResponse.NoData => " NODATA",
                BlockResponse.NxDomain => " NXDOMAIN",
                _ => string.Create(CultureInfo.InvariantCulture, $" OVERRIDE CNAME {rule.BlockOverrideDomain} ttl {rule.BlockOverrideTtl}"),
            };
        }

        if (rule.Qtype != 0)
        {
            text += $" (qtype {QueryTypes.Name(rule.Qtype)})";
        }

        if (rule.Redirection == RedirectionAction.TrustRedirectionDomain)
        {
            text += " (trusts redirection)";
        }

        return text;
    }

    private static string ActionName(FirewallAction action) => action switch
    {
        FirewallAction.Allow => "ALLOW",
        FirewallAction.Alert => "ALERT",
        _ => "BLOCK",
    };
}
