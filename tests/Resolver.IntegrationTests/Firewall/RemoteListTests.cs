using System.Diagnostics;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Firewall;

/// <summary>Remote lists (url + refreshInterval) served by a loopback HTTP server the test controls.</summary>
public sealed class RemoteListTests
{
    [Fact]
    public async Task A_remote_list_is_downloaded_at_start_and_refreshed_on_its_interval()
    {
        await using var feed = TestHttpServer.Start("0.0.0.0 first.example\n");
        await using var resolver = await FirewallResolver.StartAsync(Rules(feed.Url, failOpen: false));

        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("first.example")).Status);

        feed.Serve("0.0.0.0 second.example\n");

        Assert.True(await Eventually.TrueAsync(() => resolver.DigAsync("second.example").GetAwaiter().GetResult().Status == "NXDOMAIN", TimeSpan.FromSeconds(5)));
        Assert.Equal("NOERROR", (await resolver.DigAsync("first.example")).Status);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_last_good_copy()
    {
        await using var feed = TestHttpServer.Start("blocked.example\n");
        await using var resolver = await FirewallResolver.StartAsync(Rules(feed.Url, failOpen: false));
        var requests = feed.Requests;

        feed.Serve("oops", status: 500);
        Assert.True(await Eventually.TrueAsync(() => feed.Requests >= requests + 2, TimeSpan.FromSeconds(5)));

        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("blocked.example")).Status);
        Assert.Equal("NOERROR", (await resolver.DigAsync("other.example")).Status);
    }

    [Fact]
    public async Task A_restart_without_the_feed_uses_the_copy_kept_in_the_state_folder()
    {
        var state = Directory.CreateTempSubdirectory("resolver-state-").FullName;
        try
        {
            Uri url;
            await using (var feed = TestHttpServer.Start("kept.example\n"))
            {
                url = feed.Url;
                await using var first = await FirewallResolver.StartAsync(Rules(url, failOpen: false), stateFolder: Path.Combine(state, "s"));
                Directory.CreateDirectory(Path.Combine(state, "copy"));
                CopyDirectory(Path.Combine(state, "s"), Path.Combine(state, "copy"));
            }

            await using var second = await FirewallResolver.StartAsync(Rules(url, failOpen: false), stateFolder: Path.Combine(state, "copy"));

            Assert.Equal("NXDOMAIN", (await second.DigAsync("kept.example")).Status);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Theory]
    [InlineData(false, "SERVFAIL", 0)]
    [InlineData(true, "NOERROR", 1)]
    public async Task A_list_that_never_loaded_makes_its_network_fail_closed_or_open(bool failOpen, string status, int answers)
    {
        await using var feed = TestHttpServer.Start(string.Empty);
        feed.Serve("down", status: 503);

        // A start wait far above any start-up time on a busy machine, so the time check below can tell
        // "did not wait for the failed feed" from "waited the whole wait".
        var config = Path.Combine(Path.GetTempPath(), $"resolver-wait-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, """{ "Resolver": { "RemoteListStartupWait": "00:01:00" } }""");
        var started = Stopwatch.StartNew();
        await using var resolver = await FirewallResolver.StartAsync(Rules(feed.Url, failOpen), configFile: config);
        File.Delete(config);

        var result = await resolver.DigAsync("anything.example");

        Assert.Equal(status, result.Status);
        Assert.Equal(answers, result.Answers.Count);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), "the start must not wait for a feed that answered with an error");
        Assert.Contains(resolver.State.Current.Networks, n => n.UnevaluableReason is { } reason && reason.Contains("503", StringComparison.Ordinal));
    }

    private static string Rules(Uri url, bool failOpen) => $$"""
        domainLists:
          - name: feed
            url: {{url}}
            refreshInterval: 1s
        ruleGroups:
          - name: g
            rules:
              - { name: block, priority: 1, domainList: feed, action: BLOCK, blockResponse: NXDOMAIN }
        networks:
          - name: default
            failOpen: {{(failOpen ? "true" : "false")}}
            ruleGroupAssociations: [ { ruleGroup: g, priority: 100 } ]
        """;

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
