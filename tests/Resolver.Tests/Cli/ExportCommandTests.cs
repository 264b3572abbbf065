using Resolver.Cli;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;

namespace Resolver.Tests.Cli;

public sealed class ExportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Source => Path.Combine(_folder, "rulesets");

    private string Output => Path.Combine(_folder, "out");

    [Fact]
    public void The_shipped_rulesets_folder_exports_and_the_output_loads_back()
    {
        var (exitCode, output, error) = Export(Path.Combine(RepositoryRoot(), "rulesets"), Output);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Contains("rule groups:   1 (3 rules)", output, StringComparison.Ordinal);
        Assert.Contains("managed lists: 6 built in", output, StringComparison.Ordinal);
        var reloaded = RulesetLoader.Load(Output);
        Assert.True(reloaded.Succeeded, string.Join('\n', reloaded.Diagnostics));
        Assert.Equal(["aws-managed-threats"], reloaded.Definition!.RuleGroups.Select(g => g.Name));
    }

    [Fact]
    public void Lists_become_files_url_lists_stay_urls_and_the_counts_are_printed()
    {
        Directory.CreateDirectory(Path.Combine(Source, "lists"));
        File.WriteAllText(Path.Combine(Source, "lists", "hosts.txt"), "0.0.0.0 tracker.example ads.example\n");
        File.WriteAllText(Path.Combine(Source, "main.yaml"), """
            domainLists:
              - name: mine
                domains: [a.example, "*.b.example", c.example]
              - name: hosts
                file: lists/hosts.txt
              - name: remote
                url: https://lists.example/block.txt
                refreshInterval: 1d
            ruleGroups:
              - name: g
                rules:
                  - { name: r1, priority: 1, domainList: mine, action: BLOCK, blockResponse: NODATA, qtype: AAAA }
                  - { name: r2, priority: 2, domainList: hosts, action: ALERT }
                  - { name: r3, priority: 3, domainList: remote, action: BLOCK, blockResponse: NXDOMAIN }
            networks:
              - name: default
                ruleGroupAssociations: [ { ruleGroup: g, priority: 100 } ]
              - name: lab
                cidrs: ["fd00::/8", 10.0.0.0/8]
                failOpen: true
            """);

        var (exitCode, output, error) = Export(Source, Output);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Contains("domain lists:  2 file(s) in lists/ (5 domains), 1 url list(s)", output, StringComparison.Ordinal);
        Assert.Contains("networks:      2", output, StringComparison.Ordinal);
        Assert.Equal("ads.example\ntracker.example\n", File.ReadAllText(Path.Combine(Output, "lists", "hosts.txt")));
        var reloaded = RulesetLoader.Load(Output);
        Assert.True(reloaded.Succeeded, string.Join('\n', reloaded.Diagnostics));
        Assert.Equal(new RemoteListSpecification("remote", new Uri("https://lists.example/block.txt"), TimeSpan.FromDays(1)), Assert.Single(reloaded.RemoteLists));
        Assert.Equal(28, reloaded.Definition!.RuleGroups.Single().Rules[0].Qtype);
        Assert.True(reloaded.Definition.Networks.Single(n => n.Name == "lab").FailOpen);
    }

    [Fact]
    public void A_broken_folder_prints_its_errors_writes_nothing_and_exits_1()
    {
        Directory.CreateDirectory(Source);
        File.WriteAllText(Path.Combine(Source, "bad.yaml"), """
            ruleGroups:
              - name: g
                rules:
                  - { name: a, priority: 1, domainList: missing, action: ALLOW }
            """);

        var (exitCode, _, error) = Export(Source, Output);

        Assert.Equal(1, exitCode);
        Assert.Contains("bad.yaml:4: error: rule 'a' in group 'g' uses domain list 'missing'", error, StringComparison.Ordinal);
        Assert.Contains("1 error(s)", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void A_missing_rulesets_folder_exits_1()
    {
        var (exitCode, _, error) = Export(Path.Combine(_folder, "nope"), Output);

        Assert.Equal(1, exitCode);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void A_non_empty_output_folder_exits_1_and_is_left_alone()
    {
        Directory.CreateDirectory(Source);
        Directory.CreateDirectory(Output);
        File.WriteAllText(Path.Combine(Output, "keep.txt"), "mine");

        var (exitCode, output, error) = Export(Source, Output);

        Assert.Equal(1, exitCode);
        Assert.Contains("not empty", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exported", output, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(Output).Select(Path.GetFileName));
    }

    [Fact]
    public void What_the_api_adds_is_written_with_the_folder()
    {
        Directory.CreateDirectory(Source);
        File.WriteAllText(Path.Combine(Source, "main.yaml"), "domainLists:\n  - name: from-files\n    domains: [f.example]\n");
        Assert.True(DomainSpecification.TryParse("api.example", out var domain, out _));

        var (exitCode, _, _) = Export(Source, Output, definition => definition with
        {
            DomainLists = [.. definition.DomainLists, new DomainList("from-api", [domain])],
            RuleGroups = [.. definition.RuleGroups, new RuleGroup("api-group", [new FirewallRule("r", 1, "from-api", FirewallAction.Alert)])],
        });

        Assert.Equal(0, exitCode);
        var reloaded = RulesetLoader.Load(Output).Definition!;
        Assert.Contains(reloaded.DomainLists, l => l.Name == "from-files");
        Assert.Equal("api.example", Assert.Single(reloaded.DomainLists.Single(l => l.Name == "from-api").Domains).ToString());
        Assert.Equal("from-api", reloaded.RuleGroups.Single(g => g.Name == "api-group").Rules.Single().DomainListName);
    }

    [Fact]
    public void The_command_line_takes_rulesets_out_and_state_dir_and_requires_out()
    {
        var root = ResolverCommandLine.Build();

        var parsed = root.Parse(["export", "--rulesets", "r", "--out", "o", "--state-dir", "s"]);
        var missingOut = root.Parse(["export", "--rulesets", "r"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(("r", "o", "s"), (parsed.GetValue<string>("--rulesets"), parsed.GetValue<string>("--out"), parsed.GetValue<string>("--state-dir")));
        Assert.NotEmpty(missingOut.Errors);
    }

    [Fact]
    public void The_command_line_runs_an_export()
    {
        var exitCode = ResolverCommandLine.Build().Parse(["export", "--rulesets", Path.Combine(RepositoryRoot(), "rulesets"), "--out", Output]).Invoke(new() { Output = TextWriter.Null });

        Assert.Equal(0, exitCode);
        Assert.True(RulesetLoader.Load(Output).Succeeded);
    }

    private static (int ExitCode, string Output, string Error) Export(string rulesets, string output, Func<FirewallDefinition, FirewallDefinition>? addApiResources = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = ExportCommand.Run(rulesets, output, stdout, stderr, addApiResources);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Resolver.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Resolver.sln not found above " + AppContext.BaseDirectory);
    }
}
