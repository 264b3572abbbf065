using System.Text.Json.Nodes;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Api;

/// <summary>API changes take effect in the running firewall at once, while queries keep flowing unanswered by none.</summary>
public sealed class LiveChangeTests
{
    [Fact]
    public async Task Changes_made_through_the_cli_are_live_at_once_and_no_query_is_lost_meanwhile()
    {
        await using var resolver = await ApiResolver.StartAsync("domainLists: []\n");
        var aws = new AwsCli(resolver.ApiAddress);
        var listId = (string)(await aws.Route53ResolverAsync("create-firewall-domain-list", "--name", "live", "--creator-request-id", "live-1"))["FirewallDomainList"]!["Id"]!;
        var groupId = (string)(await aws.Route53ResolverAsync("create-firewall-rule-group", "--name", "live", "--creator-request-id", "live-2"))["FirewallRuleGroup"]!["Id"]!;
        await aws.Route53ResolverAsync("create-firewall-rule", "--firewall-rule-group-id", groupId, "--firewall-domain-list-id", listId, "--priority", "1",
            "--action", "BLOCK", "--block-response", "NXDOMAIN", "--name", "live", "--creator-request-id", "live-3");
        await aws.Route53ResolverAsync("associate-firewall-rule-group", "--firewall-rule-group-id", groupId, "--vpc-id", "default", "--priority", "101", "--name", "live", "--creator-request-id", "live-4");

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var traffic = SendSteadilyAsync(resolver, stop.Token);
        for (var round = 0; round < 4; round++)
        {
            var name = $"live{round}.example";
            await aws.Route53ResolverAsync("update-firewall-domains", "--firewall-domain-list-id", listId, "--operation", "REPLACE", "--domains", name);

            // The answer to UpdateFirewallDomains comes after the change is live: the very next query sees it.
            Assert.Equal("NXDOMAIN", (await resolver.DigAsync(name)).Status);
            Assert.Equal("NOERROR", (await resolver.DigAsync($"live{round + 1}.example")).Status);
        }

        await stop.CancelAsync();
        var (sent, answered) = await traffic;
        Assert.True(sent >= 50, $"only {sent} queries were sent during the changes");
        Assert.Equal(sent, answered);
    }

    // One query in flight at a time, each given a second: a query dropped or held up by a change shows as unanswered.
    private static async Task<(int Sent, int Answered)> SendSteadilyAsync(ApiResolver resolver, CancellationToken stop)
    {
        var sent = 0;
        var answered = 0;
        while (!stop.IsCancellationRequested && sent < 20_000)
        {
            var query = TestMessage.Query($"steady{sent % 50}.example", TestMessage.TypeA, id: (ushort)sent);
            sent++;
            var reply = await RawDnsClient.ExchangeUdpAsync(resolver.DnsEndPoint, query, TimeSpan.FromSeconds(1));
            if (reply is not null && TestMessage.Id(reply) == (ushort)(sent - 1) && TestMessage.Rcode(reply) == 0)
            {
                answered++;
            }
        }

        return (sent, answered);
    }
}
