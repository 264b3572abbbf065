using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Resolver.Firewall.Rulesets;
using Resolver.Server.Caching;
using Resolver.Server.Configuration;
using Resolver.Server.Detection;
using Resolver.Server.Firewall;
using Resolver.Server.Limits;
using Resolver.Server.Pipeline;
using Resolver.Server.QueryLogging;

namespace Resolver.Server.Tests.Pipeline;

/// <summary>A real query pipeline with default options, a cache and a firewall that blocks <c>*.ads.example</c> with NXDOMAIN.</summary>
internal static class TestPipeline
{
    private const string BlockAdsRules = """
        domainLists:
          - name: blocked
            domains: ["*.ads.example"]
        ruleGroups:
          - name: g
            rules:
              - { name: block, priority: 1, domainList: blocked, action: BLOCK, blockResponse: NXDOMAIN }
        networks:
          - name: default
            ruleGroupAssociations: [ { ruleGroup: g, priority: 100 } ]
        """;

    public static QueryPipeline BlockingAds(IQueryForwarder forwarder)
    {
        var options = Options.Create(new DnsServerOptions());
        var firewall = new FirewallState();
        Assert.True(firewall.Apply(RulesetLoader.LoadText(BlockAdsRules, "rules.yaml")));
        return new QueryPipeline(forwarder, firewall, new QueryLog(options), new ResponseCache(options), options, NullLogger<QueryPipeline>.Instance);
    }

    /// <summary>The same with settings of the test's choosing, and the rate limiter on the given clock.</summary>
    public static QueryPipeline BlockingAds(IQueryForwarder forwarder, Action<DnsServerOptions> configure, TimeProvider time)
    {
        var settings = new DnsServerOptions();
        configure(settings);
        var options = Options.Create(settings);
        var firewall = new FirewallState();
        Assert.True(firewall.Apply(RulesetLoader.LoadText(BlockAdsRules, "rules.yaml")));
        var rateLimiter = new ClientRateLimiter(settings.RateLimit, time);
        return new QueryPipeline(forwarder, firewall, new QueryLog(options), new ResponseCache(options), QueryObservations.Disabled, rateLimiter, options, NullLogger<QueryPipeline>.Instance);
    }
}
