using Resolver.Cli;

namespace Resolver.Tests.Cli;

public sealed class CheckCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("check-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_shipped_rulesets_folder_passes()
    {
        var (exitCode, output, error) = Check(Path.Combine(RepositoryRoot(), "rulesets"));

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Contains("AWSManagedDomainsMalwareDomainList", output, StringComparison.Ordinal);
        Assert.Contains("aws-managed-threats/block-malware: AWSManagedDomainsMalwareDomainList -> BLOCK NXDOMAIN", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_good_folder_prints_lists_with_counts_and_rules_in_evaluation_order()
    {
        File.WriteAllText(Path.Combine(_folder, "a.yaml"), """
            domainLists:
              - name: mine
                domains: [a.example, "*.b.example", c.example]
            ruleGroups:
              - name: late
                rules:
                  - { name: block, priority: 1, domainList: mine, action: BLOCK, blockResponse: NODATA, qtype: AAAA }
              - name: early
                rules:
                  - { name: second, priority: 20, domainList: mine, action: ALERT }
                  - { name: first, priority: 10, domainList: mine, action: ALLOW }
            networks:
              - name: default
                ruleGroupAssociations: [ { ruleGroup: late, priority: 900 }, { ruleGroup: early, priority: 100 } ]
            """);

        var (exitCode, output, _) = Check(_folder);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"mine\s+3 entries", output);
        var first = output.IndexOf("early/first", StringComparison.Ordinal);
        var second = output.IndexOf("early/second", StringComparison.Ordinal);
        var last = output.IndexOf("late/block: mine -> BLOCK NODATA (qtype AAAA)", StringComparison.Ordinal);
        Assert.True(first > 0 && first < second && second < last, output);
    }

    [Fact]
    public void A_broken_folder_lists_every_error_with_file_and_line_and_exits_1()
    {
        File.WriteAllText(Path.Combine(_folder, "bad.yaml"), """
            ruleGroups:
              - name: g
                rules:
                  - { name: a, priority: 1, domainList: missing, action: ALLOW }
                  - { name: b, priority: 2, domainList: AWSManagedAggregateThreatList, action: BLOCK }
            """);

        var (exitCode, _, error) = Check(_folder);

        Assert.Equal(1, exitCode);
        Assert.Contains("bad.yaml:4: error: rule 'a' in group 'g' uses domain list 'missing'", error, StringComparison.Ordinal);
        Assert.Contains("bad.yaml:5: error: rule 'b': blockResponse", error, StringComparison.Ordinal);
        Assert.Contains("2 error(s)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_folder_is_an_error()
    {
        var (exitCode, _, error) = Check(Path.Combine(_folder, "nope"));

        Assert.Equal(1, exitCode);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output, string Error) Check(string folder)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = CheckCommand.Run(folder, output, error);
        return (exitCode, output.ToString(), error.ToString());
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
