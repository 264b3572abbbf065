using System.Text.Json.Nodes;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Firewall;

/// <summary>GuardDuty-style DNS findings from the server's own query stream, written to the findings file.</summary>
public sealed class DnsFindingsTests
{
    [Fact]
    public async Task Queries_for_a_botnet_name_and_a_mining_pool_are_reported_once_each_with_their_counts()
    {
        var state = Directory.CreateTempSubdirectory("resolver-findings-").FullName;
        var config = Path.Combine(state, "findings.json");
        File.WriteAllText(config, """{ "Resolver": { "Detection": { "DnsFindings": true } } }""");
        await using var resolver = await FirewallResolver.StartAsync("domainLists: []\n", stateFolder: state, configFile: config);
        const string botnet = "controldomain1.botnetlist.firewall.route53resolver.us-east-1.amazonaws.com";

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("NOERROR", (await resolver.DigAsync(botnet)).Status);
        }

        await resolver.DigAsync("xmr-eu1.nanopool.org");
        await resolver.DigAsync("www.example.com");
        var file = Path.Combine(state, "findings.jsonl");
        var latest = new Dictionary<string, JsonObject>();
        var seen = await Eventually.TrueAsync(() => Latest(file, latest) && latest.Count == 2 && latest.Values.Sum(f => (long)f["service"]!["count"]!) == 4, TimeSpan.FromSeconds(10));

        Assert.True(seen, $"findings file: {(File.Exists(file) ? File.ReadAllText(file) : "(none)")}");
        var c2 = latest.Values.Single(f => (string?)f["type"] == "Backdoor:EC2/C&CActivity.B!DNS");
        Assert.Equal(3, (long)c2["service"]!["count"]!);
        Assert.Equal(botnet, (string?)c2["service"]!["action"]!["dnsRequestAction"]!["domain"]);
        Assert.Equal("127.0.0.1", (string?)c2["resource"]!["instanceDetails"]!["networkInterfaces"]![0]!["privateIpAddress"]);
        Assert.Contains(latest.Values, f => (string?)f["type"] == "CryptoCurrency:EC2/BitcoinTool.B!DNS");
    }

    // The file holds every update of a finding; the last line of an id is its state.
    private static bool Latest(string file, Dictionary<string, JsonObject> latest)
    {
        if (!File.Exists(file))
        {
            return false;
        }

        latest.Clear();
        foreach (var line in File.ReadAllLines(file))
        {
            if (line.Length > 0 && line[^1] == '}')
            {
                var finding = JsonNode.Parse(line)!.AsObject();
                latest[(string)finding["id"]!] = finding;
            }
        }

        return true;
    }
}
