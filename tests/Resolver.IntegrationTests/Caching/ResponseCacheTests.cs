using Resolver.IntegrationTests.Firewall;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Caching;

/// <summary>The response cache through the wire: hits restore the client's ID and case, and the firewall still decides first.</summary>
public sealed class ResponseCacheTests
{
    private const string NoRules = "networks:\n  - name: default\n";

    [Fact]
    public async Task A_repeated_question_is_answered_from_the_cache_with_the_second_clients_case()
    {
        await using var resolver = await FirewallResolver.StartAsync(NoRules);

        var first = await resolver.DigAsync("www.cached.example");
        var second = await resolver.DigAsync("WWW.Cached.EXAMPLE", "A", "+tcp");
        var third = await resolver.DigAsync("www.cached.example", "A", "+dnssec");

        Assert.Equal(["www.cached.example. 300 IN A 192.0.2.1"], first.Answers);
        Assert.Equal("WWW.Cached.EXAMPLE.", second.QuestionName);
        Assert.Single(second.Answers);
        Assert.Matches(@"^WWW\.Cached\.EXAMPLE\. (300|299) IN A 192\.0\.2\.1$", second.Answers[0]);
        Assert.Single(third.Answers);
        Assert.Equal(2, resolver.Upstream.Received.Count(r => r.Name.Equals("www.cached.example", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(1, resolver.Server.Pipeline.Counters.CacheAnswers);
    }

    [Fact]
    public async Task Cache_size_zero_forwards_every_query()
    {
        await using var resolver = await FirewallResolver.StartAsync(NoRules, cacheSize: 0);

        await resolver.DigAsync("nocache.example");
        await resolver.DigAsync("nocache.example");

        Assert.Equal(2, resolver.Upstream.Received.Count);
        Assert.Equal(0, resolver.Server.Pipeline.Counters.CacheAnswers);
    }

    [Fact]
    public async Task A_new_rule_applies_at_once_to_cached_names_and_to_cached_cname_chains()
    {
        await using var resolver = await FirewallResolver.StartAsync(NoRules, request =>
            request.Name == "cdn.example" ? UpstreamReply.Send(FirewallRuleTests.ChainAnswer(request.Bytes, "evil.example", [192, 0, 2, 66])) : null);
        Assert.Equal("NOERROR", (await resolver.DigAsync("cached.example")).Status);
        Assert.Equal(2, (await resolver.DigAsync("cdn.example")).Answers.Count);
        var reloads = resolver.State.Reloads;

        resolver.WriteFile("main.yaml", """
            domainLists:
              - name: l
                domains: [cached.example, evil.example]
            ruleGroups:
              - name: g
                rules:
                  - { name: block, priority: 1, domainList: l, action: BLOCK, blockResponse: NXDOMAIN }
            networks:
              - name: default
                ruleGroupAssociations: [ { ruleGroup: g, priority: 100 } ]
            """);
        Assert.True(await Eventually.TrueAsync(() => resolver.State.Reloads > reloads, TimeSpan.FromSeconds(3)));

        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("cached.example")).Status);
        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("cdn.example")).Status);
        Assert.Equal(1, resolver.Upstream.Received.Count(r => r.Name == "cdn.example"));
    }
}
