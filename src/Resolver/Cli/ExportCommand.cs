using System.Globalization;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;

namespace Resolver.Cli;

/// <summary>
/// <c>resolver export --rulesets DIR --out DIR</c>: loads a rulesets folder as the server would and writes
/// it back out with <see cref="RulesetWriter"/> (one <c>firewall.yaml</c>, one sorted file per list) into a new
/// or empty folder. Load errors are printed as <c>check</c> prints them, with exit code 1.
/// </summary>
public static class ExportCommand
{
    /// <param name="addApiResources">
    /// Adds what the management API made to the loaded definition before it is written; null exports the
    /// folder alone.
    /// </param>
    public static int Run(string rulesets, string output, TextWriter stdout, TextWriter stderr, Func<FirewallDefinition, FirewallDefinition>? addApiResources = null)
    {
        var source = Path.GetFullPath(rulesets);
        if (!Directory.Exists(source))
        {
            stderr.WriteLine($"resolver export: rulesets folder '{source}' does not exist");
            return ResolverCommandLine.ExitFailure;
        }

        // Without a download cache, url lists load as "not downloaded yet"; the writer keeps them as url
        // entries, so they need not be fetched to be exported.
        var result = RulesetLoader.Load(source);
        foreach (var diagnostic in result.Diagnostics)
        {
            (diagnostic.IsError ? stderr : stdout).WriteLine(diagnostic.ToString());
        }

        if (result.Definition is null)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resolver export: {result.Errors.Count()} error(s) in {source}; nothing written"));
            return ResolverCommandLine.ExitFailure;
        }

        var definition = addApiResources is null ? result.Definition : addApiResources(result.Definition);
        var destination = Path.GetFullPath(output);
        RulesetWriteSummary summary;
        try
        {
            summary = RulesetWriter.Write(definition, destination, result.RemoteLists);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            stderr.WriteLine($"resolver export: {exception.Message}");
            return ResolverCommandLine.ExitFailure;
        }

        var invariant = CultureInfo.InvariantCulture;
        stdout.WriteLine($"Exported {source} to {destination}");
        stdout.WriteLine(string.Create(invariant, $"  domain lists:  {summary.ListFiles} file(s) in {RulesetWriter.ListsFolderName}/ ({summary.Domains} domains), {summary.RemoteLists} url list(s)"));
        stdout.WriteLine(string.Create(invariant, $"  rule groups:   {summary.RuleGroups} ({summary.Rules} rules)"));
        stdout.WriteLine(string.Create(invariant, $"  networks:      {summary.Networks}"));
        stdout.WriteLine(string.Create(invariant, $"  managed lists: {summary.ManagedLists} built in, not written (rules name them)"));
        return ResolverCommandLine.ExitOk;
    }

    /// <summary>
    /// What the management API made, kept in the state folder (<c>--state-dir</c>, else the resolver's
    /// default state folder), merged into the export.
    /// </summary>
    public static Func<FirewallDefinition, FirewallDefinition>? ApiResources(string? stateDirectory)
    {
        var folder = stateDirectory ?? new Resolver.Server.Configuration.DnsServerOptions().StateDirectory;
        return definition => Resolver.Api.Export.ApiResourcesExport.AddTo(definition, folder);
    }
}
