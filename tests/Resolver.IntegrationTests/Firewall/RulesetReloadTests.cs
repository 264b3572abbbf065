using System.Diagnostics;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Firewall;

public sealed class RulesetReloadTests
{
    private const string Rules = """
        domainLists:
          - name: blocked
            file: lists/blocked.txt
        ruleGroups:
          - name: g
            rules:
              - { name: block, priority: 1, domainList: blocked, action: BLOCK, blockResponse: NXDOMAIN }
        networks:
          - name: default
            ruleGroupAssociations: [ { ruleGroup: g, priority: 100 } ]
        """;

    [Fact]
    public async Task A_changed_list_takes_effect_within_two_seconds()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules, files: new Dictionary<string, string> { ["lists/blocked.txt"] = "old.example\n" });
        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("old.example")).Status);
        Assert.Equal("NOERROR", (await resolver.DigAsync("new.example")).Status);

        resolver.WriteFile("lists/blocked.txt", "new.example\n");

        Assert.Equal("NXDOMAIN", await WaitForStatusAsync(resolver, "new.example", "NXDOMAIN", TimeSpan.FromSeconds(2)));
        Assert.Equal("NOERROR", (await resolver.DigAsync("old.example")).Status);
    }

    [Fact]
    public async Task A_broken_file_is_rejected_and_the_previous_rules_keep_serving()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules, files: new Dictionary<string, string> { ["lists/blocked.txt"] = "old.example\n" });
        var failuresBefore = resolver.State.ReloadFailures;

        resolver.WriteFile("main.yaml", Rules.Replace("action: BLOCK,", "action: BLOK,", StringComparison.Ordinal));

        var deadline = Stopwatch.StartNew();
        while (resolver.State.ReloadFailures == failuresBefore && deadline.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(50);
        }

        Assert.Equal(failuresBefore + 1, resolver.State.ReloadFailures);
        var error = Assert.Single(resolver.State.LastDiagnostics, d => d.IsError);
        Assert.EndsWith("main.yaml", error.File, StringComparison.Ordinal);
        Assert.Equal(7, error.Line);
        Assert.Contains("BLOK", error.Message, StringComparison.Ordinal);
        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("old.example")).Status);
    }

    [Fact]
    public async Task Sighup_reloads_the_folder()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules, files: new Dictionary<string, string> { ["lists/blocked.txt"] = "old.example\n" });
        var reloadsBefore = resolver.State.Reloads;

        Assert.Equal(0, Kill(Environment.ProcessId, 1));

        var deadline = Stopwatch.StartNew();
        while (resolver.State.Reloads == reloadsBefore && deadline.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(50);
        }

        Assert.True(resolver.State.Reloads > reloadsBefore);
        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("old.example")).Status);
    }

    private static async Task<string?> WaitForStatusAsync(FirewallResolver resolver, string name, string status, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        string? last = null;
        for (var attempt = 0; attempt < 40 && deadline.Elapsed < within; attempt++)
        {
            last = (await resolver.DigAsync(name)).Status;
            if (last == status)
            {
                return last;
            }

            await Task.Delay(100);
        }

        return last;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
