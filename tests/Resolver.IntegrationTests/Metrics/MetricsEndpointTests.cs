using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Resolver.IntegrationTests.Firewall;
using Resolver.Metrics.Hosting;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Metrics;

/// <summary>/metrics, /healthz and /readyz of the real server, scraped after real queries.</summary>
public sealed partial class MetricsEndpointTests
{
    private const string Rules = """
        domainLists:
          - name: bad
            domains: [bad.example]
        ruleGroups:
          - name: security
            rules:
              - { name: block-bad, priority: 1, domainList: bad, action: BLOCK, blockResponse: NXDOMAIN }
        networks:
          - name: default
            ruleGroupAssociations: [ { ruleGroup: security, priority: 100 } ]
        """;

    [Fact]
    public async Task Counters_move_with_real_queries_by_transport_type_rcode_rule_cache_and_upstream()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules, metricsListen: "127.0.0.1:0");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var address = resolver.Services.GetRequiredService<MetricsEndpoint>().Address!;

        await resolver.DigAsync("www.example.com");
        await resolver.DigAsync("www.example.com");
        await resolver.DigAsync("www.example.com", "AAAA", "+tcp");
        await resolver.DigAsync("bad.example");
        await resolver.DigAsync("bad.example", "TXT");
        var metrics = Parse(await http.GetStringAsync(new Uri(address, "/metrics")));

        Assert.Equal(4, metrics["resolver_queries_total{transport=\"udp\"}"]);
        Assert.Equal(1, metrics["resolver_queries_total{transport=\"tcp\"}"]);
        Assert.Equal(2, metrics["resolver_queries_by_type_total{type=\"A\"}"] - 1);
        Assert.Equal(1, metrics["resolver_queries_by_type_total{type=\"AAAA\"}"]);
        Assert.Equal(2, metrics["resolver_responses_total{rcode=\"NXDOMAIN\"}"]);
        Assert.Equal(3, metrics["resolver_responses_total{rcode=\"NOERROR\"}"]);
        Assert.Equal(2, metrics["resolver_firewall_actions_total{action=\"block\"}"]);
        Assert.Equal(2, metrics.Single(m => m.Key.StartsWith("resolver_firewall_rule_hits_total{rule_group=\"security\"", StringComparison.Ordinal) && m.Key.Contains("rule=\"block-bad\"", StringComparison.Ordinal)).Value);
        Assert.Equal(1, metrics["resolver_cache_hits_total"]);
        Assert.True(metrics["resolver_cache_entries"] >= 1);
        var upstream = resolver.Upstream.EndPoint.ToString();
        Assert.Equal(2, metrics[$"resolver_upstream_queries_total{{upstream=\"{upstream}\"}}"]);
        Assert.Equal(2, metrics[$"resolver_upstream_latency_seconds_count{{upstream=\"{upstream}\"}}"]);
        Assert.Equal(2, metrics[$"resolver_upstream_latency_seconds_bucket{{upstream=\"{upstream}\",le=\"+Inf\"}}"]);
        Assert.Equal(1, metrics["resolver_rulesets_reloads_total"]);
        Assert.Equal(0, metrics["resolver_rulesets_reload_failures_total"]);
        Assert.Equal(1, metrics[$"resolver_upstream_healthy{{upstream=\"{upstream}\"}}"]);
    }

    [Fact]
    public async Task Readiness_flips_to_503_when_the_only_upstream_dies_and_health_stays_ok()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules, metricsListen: "127.0.0.1:0");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var address = resolver.Services.GetRequiredService<MetricsEndpoint>().Address!;

        var ready = await http.GetAsync(new Uri(address, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());

        await resolver.Upstream.DisposeAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        HttpResponseMessage notReady;
        var attempt = 0;
        do
        {
            // Queries to a closed port fail (ICMP unreachable or timeouts), which marks the upstream down.
            await resolver.DigAsync($"probe{attempt++}.example", "A", "+time=1");
            notReady = await http.GetAsync(new Uri(address, "/readyz"));
        }
        while (notReady.StatusCode == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("no upstream is healthy", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var health = await http.GetAsync(new Uri(address, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_taken_metrics_address_leaves_dns_served()
    {
        using var holder = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).ToString();

        await using var resolver = await FirewallResolver.StartAsync(Rules, metricsListen: taken);

        Assert.Null(resolver.Services.GetRequiredService<MetricsEndpoint>().Address);
        Assert.Equal("NOERROR", (await resolver.DigAsync("www.example.com")).Status);
    }

    private static Dictionary<string, double> Parse(string text)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (match.Success)
            {
                metrics[match.Groups[1].Value] = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        return metrics;
    }

    [GeneratedRegex(@"^([a-z_]+(?:\{[^}]*\})?) ([0-9.eE+-]+|NaN)$")]
    private static partial Regex SampleLine();
}
