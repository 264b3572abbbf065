using System.Net;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Managed;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Tests.Rulesets;

public sealed class RulesetWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ruleset-writer-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_shipped_rulesets_folder_loads_back_the_same_after_a_write()
    {
        var original = RulesetLoader.Load(Path.Combine(RepositoryRoot(), "rulesets"));
        Assert.True(original.Succeeded, string.Join('\n', original.Diagnostics));
        var output = Path.Combine(_directory, "out");

        var summary = RulesetWriter.Write(original.Definition!, output, original.RemoteLists);

        var reloaded = RulesetLoader.Load(output);
        Assert.True(reloaded.Succeeded, string.Join('\n', reloaded.Diagnostics));
        Assert.Empty(reloaded.Diagnostics);
        AssertSameSubstance(original.Definition!, reloaded.Definition!);
        Assert.Equal(ManagedDomainLists.All.Count, summary.ManagedLists);
        Assert.Equal((0, 1, 3, 1), (summary.ListFiles, summary.RuleGroups, summary.Rules, summary.Networks));
        Assert.False(Directory.Exists(Path.Combine(output, RulesetWriter.ListsFolderName)), "managed lists are built in, not written");
        Assert.Equal([RulesetWriter.FirewallFileName], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public void A_definition_using_every_rule_member_and_awkward_names_loads_back_the_same()
    {
        var definition = RichDefinition();
        var remote = new RemoteListSpecification("remote", new Uri("https://lists.example/block.txt?x=1&y=2"), TimeSpan.FromSeconds(90)) { Format = DomainListFormat.Adblock };
        var output = Path.Combine(_directory, "out");

        var summary = RulesetWriter.Write(definition, output, [remote]);

        var reloaded = RulesetLoader.Load(output);
        Assert.True(reloaded.Succeeded, string.Join('\n', reloaded.Diagnostics));
        Assert.Empty(reloaded.Diagnostics);
        AssertSameSubstance(definition, reloaded.Definition!);
        Assert.Equal(remote, Assert.Single(reloaded.RemoteLists));
        Assert.Equal((definition.DomainLists.Count(l => l.ManagedOwnerName is null) - 1, 1, ManagedDomainLists.All.Count), (summary.ListFiles, summary.RemoteLists, summary.ManagedLists));
        Assert.Equal(definition.RuleGroups.Sum(g => g.Rules.Count), summary.Rules);
    }

    [Fact]
    public void The_yaml_follows_the_documented_format_in_priority_order_with_lists_sorted_and_deduplicated()
    {
        var definition = new FirewallDefinition(
            [
                new DomainList("blocked", Specs("b.example", "*.a.example", "a.example", "*", "b.example")) { Description = "ads: and trackers" },
                .. ManagedDomainLists.All,
            ],
            [
                new RuleGroup("yes",
                [
                    new FirewallRule("second", 20, "AWSManagedDomainsMalwareDomainList", FirewallAction.Alert) { Qtype = 28 },
                    new FirewallRule("first", 10, "blocked", FirewallAction.Block) { BlockResponse = BlockResponse.NxDomain },
                ]),
            ],
            [
                new FirewallNetwork("lab", [IPNetwork.Parse("10.1.0.0/16"), IPNetwork.Parse("::/0")], [new RuleGroupAssociation("yes", 300)]) { FailOpen = true },
            ]);
        var output = Path.Combine(_directory, "out");

        RulesetWriter.Write(definition, output);

        var yaml = File.ReadAllText(Path.Combine(output, RulesetWriter.FirewallFileName));
        Assert.EndsWith("""
            domainLists:
              - name: blocked
                description: 'ads: and trackers'
                file: lists/blocked.txt
                format: plain
            ruleGroups:
              - name: "yes"
                rules:
                  - name: first
                    priority: 10
                    domainList: blocked
                    action: BLOCK
                    blockResponse: NXDOMAIN
                  - name: second
                    priority: 20
                    domainList: AWSManagedDomainsMalwareDomainList
                    action: ALERT
                    qtype: AAAA
            networks:
              - name: lab
                cidrs:
                  - 10.1.0.0/16
                  - ::/0
                failOpen: true
                ruleGroupAssociations:
                  - ruleGroup: "yes"
                    priority: 300

            """, yaml, StringComparison.Ordinal);
        Assert.StartsWith("# ", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', yaml);
        Assert.Equal("*\n*.a.example\na.example\nb.example\n", File.ReadAllText(Path.Combine(output, "lists", "blocked.txt")));
    }

    [Fact]
    public void List_file_names_are_safe_and_stay_unique_when_names_sanitize_alike()
    {
        string[] names = ["a/b", "a:b", "a b", "A/B", "blocked", "Blocked", "../etc", "..", ".hidden", "-rf", "con", "NUL.list", "Ünïcode", "*", new string('x', 64)];
        var definition = new FirewallDefinition(
            [.. names.Select((name, i) => new DomainList(name, Specs($"n{i}.example")))],
            [new RuleGroup("g", [.. names.Select((name, i) => new FirewallRule($"r{i}", i + 1, name, FirewallAction.Alert))])],
            []);
        var output = Path.Combine(_directory, "out");

        RulesetWriter.Write(definition, output);

        var files = Directory.GetFileSystemEntries(Path.Combine(output, "lists")).Select(Path.GetFileName).ToList();
        Assert.Equal(names.Length, files.Count);
        Assert.Equal(names.Length, files.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(files, file => Assert.Matches("^[A-Za-z0-9_][A-Za-z0-9._-]*\\.txt$", file!));
        Assert.DoesNotContain(files, file => file!.Split('.')[0].ToUpperInvariant() is "CON" or "NUL");
        Assert.Contains("blocked.txt", files);
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
        var reloaded = RulesetLoader.Load(output);
        Assert.True(reloaded.Succeeded, string.Join('\n', reloaded.Diagnostics));
        AssertSameSubstance(definition, reloaded.Definition!);
    }

    [Fact]
    public void A_non_empty_target_is_refused_and_left_as_it_was()
    {
        var output = Path.Combine(_directory, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.yaml"), "# mine\n");

        var exception = Assert.Throws<IOException>(() => RulesetWriter.Write(RichDefinition(), output));

        Assert.Contains("not empty", exception.Message, StringComparison.Ordinal);
        Assert.Contains(output, exception.Message, StringComparison.Ordinal);
        Assert.Equal(["keep.yaml"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
        Assert.Equal("# mine\n", File.ReadAllText(Path.Combine(output, "keep.yaml")));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void A_file_as_target_is_refused()
    {
        var output = Path.Combine(_directory, "out");
        File.WriteAllText(output, "x");

        Assert.Throws<IOException>(() => RulesetWriter.Write(FirewallDefinition.Empty, output));
    }

    [Fact]
    public void An_empty_existing_target_is_written_into()
    {
        var output = Path.Combine(_directory, "out");
        Directory.CreateDirectory(output);

        RulesetWriter.Write(FirewallDefinition.Empty, output + Path.DirectorySeparatorChar);

        Assert.True(File.Exists(Path.Combine(output, RulesetWriter.FirewallFileName)));
        Assert.True(RulesetLoader.Load(output).Succeeded);
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void A_list_that_failed_to_load_and_is_not_a_url_list_is_refused_and_nothing_is_written()
    {
        var definition = new FirewallDefinition([new DomainList("lost", Specs()) { LoadFailure = "not downloaded yet" }], [], []);
        var output = Path.Combine(_directory, "out");

        var exception = Assert.Throws<InvalidOperationException>(() => RulesetWriter.Write(definition, output));

        Assert.Contains("'lost'", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    /// <summary>Every rule member and value, names that YAML would misread unquoted, IPv6 ranges.</summary>
    private static FirewallDefinition RichDefinition()
    {
        List<DomainList> lists =
        [
            new("*", Specs("*")),
            new("yes", Specs("*.corp.example", "intranet.example", "xn--bcher-kva.example")) { Description = "multi-line\ndescription: with 'quotes' and # hash" },
            new("a: b #c", Specs("a.example", "*.a.example", "a.example")),
            new("123", Specs()),
            new("remote", Specs()) { LoadFailure = "not downloaded yet", Source = "https://lists.example/block.txt?x=1&y=2" },
        ];
        string[] groupNames = ["~", "0.0.0.0/0", "null"];
        List<RuleGroup> groups =
        [
            new(groupNames[0],
            [
                new FirewallRule("on", 300, "*", FirewallAction.Block) { BlockResponse = BlockResponse.NoData, Qtype = 65280 },
                new FirewallRule("- dash", 100, "yes", FirewallAction.Allow) { Redirection = RedirectionAction.TrustRedirectionDomain },
                new FirewallRule("'quoted'", 200, "a: b #c", FirewallAction.Alert) { Qtype = 257 },
            ]),
            new(groupNames[1],
            [
                new FirewallRule("walled", 1, "remote", FirewallAction.Block)
                {
                    BlockResponse = BlockResponse.Override,
                    BlockOverrideDomain = "blocked.example.net",
                    BlockOverrideTtl = FirewallRule.MaxOverrideTtl,
                    Qtype = 65,
                    Redirection = RedirectionAction.TrustRedirectionDomain,
                },
                new FirewallRule("zero-ttl", 2, "123", FirewallAction.Block) { BlockResponse = BlockResponse.Override, BlockOverrideDomain = "x.example", BlockOverrideTtl = 0, Qtype = 1 },
                new FirewallRule("nx", 3, "AWSManagedDomainsMalwareDomainList", FirewallAction.Block) { BlockResponse = BlockResponse.NxDomain, Qtype = 28 },
                new FirewallRule("dga", 4, null, FirewallAction.Block) { BlockResponse = BlockResponse.NxDomain, ThreatProtection = DnsThreatProtection.Dga, ConfidenceThreshold = ThreatConfidence.Medium },
                new FirewallRule("words", 5, null, FirewallAction.Alert) { ThreatProtection = DnsThreatProtection.DictionaryDga, ConfidenceThreshold = ThreatConfidence.High },
                new FirewallRule("tunnel", 6, null, FirewallAction.Block) { BlockResponse = BlockResponse.NoData, ThreatProtection = DnsThreatProtection.DnsTunneling, ConfidenceThreshold = ThreatConfidence.Low, Qtype = 16 },
            ]),
            new(groupNames[2], []),
        ];
        List<FirewallNetwork> networks =
        [
            new(FirewallNetwork.DefaultName, [], [new RuleGroupAssociation("0.0.0.0/0", 9900), new RuleGroupAssociation("~", 100)]),
            new("::/0", [IPNetwork.Parse("::/0"), IPNetwork.Parse("fd00:1234::/32"), IPNetwork.Parse("0.0.0.0/0")], [new RuleGroupAssociation("null", 500)]) { FailOpen = true },
            new("a:b", [IPNetwork.Parse("192.0.2.0/24")], []),
            new("no ranges", [], []),
        ];
        return new FirewallDefinition([.. lists, .. ManagedDomainLists.All], groups, networks);
    }

    private static DomainSpecification[] Specs(params string[] entries) =>
        [.. entries.Select(e => DomainSpecification.TryParse(e, out var spec, out var error) ? spec : throw new ArgumentException(error, nameof(entries)))];

    /// <summary>
    /// The same lists (names, domain sets, descriptions), groups and rules (every member; rules compared in
    /// priority order, which is what evaluation uses) and networks.
    /// </summary>
    private static void AssertSameSubstance(FirewallDefinition expected, FirewallDefinition actual)
    {
        Assert.Equal(Own(expected).Select(l => l.Name), Own(actual).Select(l => l.Name));
        foreach (var (want, got) in Own(expected).Zip(Own(actual)))
        {
            Assert.Equal(want.Domains.Select(d => d.ToString()).ToHashSet(), got.Domains.Select(d => d.ToString()).ToHashSet());
            Assert.Equal(want.Description, got.Description);
        }

        Assert.Subset(actual.DomainLists.Where(l => l.ManagedOwnerName is not null).Select(l => l.Name).ToHashSet(), expected.DomainLists.Where(l => l.ManagedOwnerName is not null).Select(l => l.Name).ToHashSet());
        Assert.Equal(expected.RuleGroups.Select(g => g.Name), actual.RuleGroups.Select(g => g.Name));
        foreach (var (want, got) in expected.RuleGroups.Zip(actual.RuleGroups))
        {
            Assert.Equal(want.Rules.OrderBy(r => r.Priority), got.Rules.OrderBy(r => r.Priority));
        }

        Assert.Equal(expected.Networks.Select(n => (n.Name, n.FailOpen)), actual.Networks.Select(n => (n.Name, n.FailOpen)));
        foreach (var (want, got) in expected.Networks.Zip(actual.Networks))
        {
            Assert.Equal(want.Cidrs, got.Cidrs);
            Assert.Equal(want.Associations.OrderBy(a => a.Priority), got.Associations.OrderBy(a => a.Priority));
        }

        static IEnumerable<DomainList> Own(FirewallDefinition definition) => definition.DomainLists.Where(l => l.ManagedOwnerName is null);
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
