using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Resolver.Cli;
using Resolver.Hosting;
using Resolver.Testing;
using Resolver.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Resolver.IntegrationTests.Firewall;

public sealed class QueryLogTests : IDisposable
{
    private const string Rules = """
        domainLists:
          - name: bad
            domains: [bad.example]
          - name: watched
            domains: ["*.watched.example"]
        ruleGroups:
          - name: g
            rules:
              - { name: block, priority: 1, domainList: bad, action: BLOCK, blockResponse: NXDOMAIN }
              - { name: alert, priority: 2, domainList: watched, action: ALERT }
              - { name: dga, priority: 3, dnsThreatProtection: DGA, confidenceThreshold: MEDIUM, action: BLOCK, blockResponse: NXDOMAIN }
        networks:
          - name: office
            cidrs: [127.0.0.0/8]
            ruleGroupAssociations: [ { ruleGroup: g, priority: 100 } ]
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("querylog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Every_query_gets_one_route53_shaped_line_with_the_firewall_fields_when_a_rule_matched()
    {
        var records = await RunAsync("all", async endPoint =>
        {
            await Dig.QueryAsync(endPoint, "Www.Example.test");
            await Dig.QueryAsync(endPoint, "bad.example", "AAAA", "+tcp");
            await Dig.QueryAsync(endPoint, "a.watched.example");
        });

        Assert.Equal(3, records.Count);
        var plain = records.Single(r => r.GetProperty("query_name").GetString() == "Www.Example.test.");
        Assert.Equal("1.100000", plain.GetProperty("version").GetString());
        Assert.Equal("office", plain.GetProperty("vpc_id").GetString());
        Assert.Equal("A", plain.GetProperty("query_type").GetString());
        Assert.Equal("IN", plain.GetProperty("query_class").GetString());
        Assert.Equal("NOERROR", plain.GetProperty("rcode").GetString());
        Assert.Equal("127.0.0.1", plain.GetProperty("srcaddr").GetString());
        Assert.True(int.Parse(plain.GetProperty("srcport").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("UDP", plain.GetProperty("transport").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", plain.GetProperty("query_timestamp").GetString());
        var answer = Assert.Single(plain.GetProperty("answers").EnumerateArray());
        Assert.Equal(("192.0.2.1", "A", "IN"), (answer.GetProperty("Rdata").GetString(), answer.GetProperty("Type").GetString(), answer.GetProperty("Class").GetString()));
        Assert.False(plain.TryGetProperty("firewall_rule_action", out _));

        var blocked = records.Single(r => r.GetProperty("query_name").GetString() == "bad.example.");
        Assert.Equal(("BLOCK", "NXDOMAIN", "TCP", "AAAA"), (blocked.GetProperty("firewall_rule_action").GetString(), blocked.GetProperty("rcode").GetString(), blocked.GetProperty("transport").GetString(), blocked.GetProperty("query_type").GetString()));
        Assert.StartsWith("rslvr-frg-", blocked.GetProperty("firewall_rule_group_id").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("rslvr-fdl-", blocked.GetProperty("firewall_domain_list_id").GetString(), StringComparison.Ordinal);

        var alerted = records.Single(r => r.GetProperty("query_name").GetString() == "a.watched.example.");
        Assert.Equal("ALERT", alerted.GetProperty("firewall_rule_action").GetString());
        Assert.Single(alerted.GetProperty("answers").EnumerateArray());
    }

    [Fact]
    public async Task Matches_mode_logs_only_queries_a_rule_matched()
    {
        var records = await RunAsync("matches", async endPoint =>
        {
            await Dig.QueryAsync(endPoint, "www.example.test");
            await Dig.QueryAsync(endPoint, "bad.example");
        });

        var record = Assert.Single(records);
        Assert.Equal("bad.example.", record.GetProperty("query_name").GetString());
    }

    [Fact]
    public async Task A_threat_protection_match_logs_the_protection_instead_of_a_domain_list()
    {
        var records = await RunAsync("matches", async endPoint =>
        {
            Assert.Equal("NXDOMAIN", (await Dig.QueryAsync(endPoint, "xjqvzkwpbtrmgh.com")).Status);
            Assert.Equal("NOERROR", (await Dig.QueryAsync(endPoint, "en.wikipedia.org")).Status);
        });

        var record = Assert.Single(records);
        Assert.Equal(("BLOCK", "DGA", "NXDOMAIN"), (record.GetProperty("firewall_rule_action").GetString(), record.GetProperty("firewall_protection").GetString(), record.GetProperty("rcode").GetString()));
        Assert.False(record.TryGetProperty("firewall_domain_list_id", out _));
        Assert.StartsWith("rslvr-frg-", record.GetProperty("firewall_rule_group_id").GetString(), StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> RunAsync(string mode, Func<System.Net.IPEndPoint, Task> queries)
    {
        File.WriteAllText(Path.Combine(_folder, "rules.yaml"), Rules);
        var logFile = Path.Combine(_folder, "queries.jsonl");
        await using var upstream = TestUpstream.Start();
        using (var host = ResolverHostFactory.Create(new ServeSettings
        {
            Listen = ["127.0.0.1:0"],
            Upstreams = [upstream.EndPoint.ToString()],
            Rulesets = _folder,
            QueryLog = mode,
            QueryLogFile = logFile,
            MetricsListen = "off",
            LogLevel = Serilog.Events.LogEventLevel.Warning,
        }))
        {
            await host.StartAsync();
            await queries(host.Services.GetRequiredService<DnsServerService>().BoundEndPoints[0]);
            await host.StopAsync();
        }

        var records = new List<JsonElement>();
        foreach (var line in File.ReadAllLines(logFile))
        {
            records.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return records;
    }
}
