using System.Text.Json.Nodes;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Api;

/// <summary>
/// The management API driven by the real AWS CLI (Debian's v2) the way an operator would, checked
/// through the wire with dig: what the CLI creates blocks, what it removes forwards, a restart keeps it all.
/// </summary>
public sealed class AwsCliTests
{
    private const string Rulesets = """
        domainLists:
          - name: corp-blocked
            domains: [corp-blocked.example]
        ruleGroups:
          - name: corp
            rules:
              - { name: corp-block, priority: 10, domainList: corp-blocked, action: BLOCK, blockResponse: NODATA }
        networks:
          - name: lab
            cidrs: [127.0.0.2/32]
            ruleGroupAssociations: [ { ruleGroup: corp, priority: 100 } ]
        """;

    [Fact]
    public async Task Cli_made_rules_block_then_forward_after_remove_and_survive_a_restart()
    {
        await using var resolver = await ApiResolver.StartAsync(Rulesets);
        var domainFile = Path.Combine(resolver.StateFolder, "..", $"evil-{Guid.NewGuid():N}.txt");
        File.WriteAllText(domainFile, "# imported by the AWS CLI test\nevil.example\n*.evil.example\n");
        try
        {
            var aws = new AwsCli(resolver.ApiAddress);
            var list = (await aws.Route53ResolverAsync("create-firewall-domain-list", "--name", "bad-sites", "--creator-request-id", "cli-list-1"))["FirewallDomainList"]!;
            var listId = (string)list["Id"]!;
            Assert.StartsWith("rslvr-fdl-", listId, StringComparison.Ordinal);
            Assert.Equal($"arn:aws:route53resolver:us-east-1:000000000000:firewall-domain-list/{listId}", (string?)list["Arn"]);

            var import = await aws.Route53ResolverAsync("import-firewall-domains", "--firewall-domain-list-id", listId, "--operation", "REPLACE", "--domain-file-url", "file:" + Path.GetFullPath(domainFile));
            Assert.Equal("IMPORTING", (string?)import["Status"]);
            Assert.True(await WaitForListStatusAsync(aws, listId, "COMPLETE"), "the import did not complete within 10 s");
            var domains = await aws.Route53ResolverAsync("list-firewall-domains", "--firewall-domain-list-id", listId);
            Assert.Equal(["*.evil.example", "evil.example"], domains["Domains"]!.AsArray().Select(d => (string)d!).Order(StringComparer.Ordinal));

            var groupId = (string)(await aws.Route53ResolverAsync("create-firewall-rule-group", "--name", "security", "--creator-request-id", "cli-group-1"))["FirewallRuleGroup"]!["Id"]!;
            var rule = (await aws.Route53ResolverAsync(
                "create-firewall-rule", "--firewall-rule-group-id", groupId, "--firewall-domain-list-id", listId, "--priority", "100",
                "--action", "BLOCK", "--block-response", "NXDOMAIN", "--name", "block-bad", "--creator-request-id", "cli-rule-1"))["FirewallRule"]!;
            Assert.Equal("BLOCK", (string?)rule["Action"]);
            var association = (await aws.Route53ResolverAsync(
                "associate-firewall-rule-group", "--firewall-rule-group-id", groupId, "--vpc-id", "default", "--priority", "101",
                "--name", "security-default", "--creator-request-id", "cli-assoc-1"))["FirewallRuleGroupAssociation"]!;
            Assert.StartsWith("rslvr-frgassoc-", (string?)association["Id"], StringComparison.Ordinal);

            Assert.Equal("NXDOMAIN", (await resolver.DigAsync("www.evil.example")).Status);
            Assert.Equal("NXDOMAIN", (await resolver.DigAsync("evil.example")).Status);
            Assert.DoesNotContain(resolver.Upstream.Received, r => r.Name.EndsWith("evil.example", StringComparison.Ordinal));

            var update = await aws.Route53ResolverAsync("update-firewall-domains", "--firewall-domain-list-id", listId, "--operation", "REMOVE", "--domains", "*.evil.example");
            Assert.Equal("UPDATING", (string?)update["Status"]);
            var forwarded = await resolver.DigAsync("www.evil.example");
            Assert.Equal("NOERROR", forwarded.Status);
            Assert.Equal(["www.evil.example. 300 IN A 192.0.2.1"], forwarded.Answers);
            Assert.Contains(resolver.Upstream.Received, r => r.Name == "www.evil.example");
            Assert.Equal("NXDOMAIN", (await resolver.DigAsync("evil.example")).Status);

            await resolver.RestartAsync();
            aws = new AwsCli(resolver.ApiAddress);

            var lists = await aws.Route53ResolverAsync("list-firewall-domain-lists");
            Assert.Contains(lists["FirewallDomainLists"]!.AsArray(), l => (string?)l!["Id"] == listId && (string?)l["Name"] == "bad-sites");
            var domainsAfter = await aws.Route53ResolverAsync("list-firewall-domains", "--firewall-domain-list-id", listId);
            Assert.Equal(["evil.example"], domainsAfter["Domains"]!.AsArray().Select(d => (string)d!));
            var rules = await aws.Route53ResolverAsync("list-firewall-rules", "--firewall-rule-group-id", groupId);
            Assert.Equal("block-bad", (string?)rules["FirewallRules"]!.AsArray().Single()!["Name"]);
            var associationAfter = await aws.Route53ResolverAsync("get-firewall-rule-group-association", "--firewall-rule-group-association-id", (string)association["Id"]!);
            Assert.Equal("default", (string?)associationAfter["FirewallRuleGroupAssociation"]!["VpcId"]);
            Assert.Equal("NXDOMAIN", (await resolver.DigAsync("evil.example")).Status);
            Assert.Equal("NOERROR", (await resolver.DigAsync("www.evil.example")).Status);
        }
        finally
        {
            File.Delete(domainFile);
        }
    }

    [Fact]
    public async Task A_request_signed_with_a_wrong_secret_or_an_unknown_key_is_refused_and_changes_nothing()
    {
        await using var resolver = await ApiResolver.StartAsync(Rulesets);

        var wrongSecret = await new AwsCli(resolver.ApiAddress, secretAccessKey: "not-the-secret").RunAsync("create-firewall-domain-list", "--name", "sneaky", "--creator-request-id", "x1");
        var unknownKey = await new AwsCli(resolver.ApiAddress, accessKeyId: "AKIDUNKNOWN").RunAsync("create-firewall-domain-list", "--name", "sneaky", "--creator-request-id", "x2");

        Assert.NotEqual(0, wrongSecret.ExitCode);
        Assert.Contains("(InvalidSignatureException)", wrongSecret.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, unknownKey.ExitCode);
        Assert.Contains("(UnrecognizedClientException)", unknownKey.Stderr, StringComparison.Ordinal);
        var lists = await new AwsCli(resolver.ApiAddress).Route53ResolverAsync("list-firewall-domain-lists");
        Assert.DoesNotContain(lists["FirewallDomainLists"]!.AsArray(), l => (string?)l!["Name"] == "sneaky");
    }

    [Fact]
    public async Task The_rulesets_resources_are_listed_read_only_and_errors_reach_the_cli_in_aws_shape()
    {
        await using var resolver = await ApiResolver.StartAsync(Rulesets);
        var aws = new AwsCli(resolver.ApiAddress);

        var lists = (await aws.Route53ResolverAsync("list-firewall-domain-lists"))["FirewallDomainLists"]!.AsArray();
        var corpList = lists.Single(l => (string?)l!["Name"] == "corp-blocked")!;
        Assert.Contains(lists, l => (string?)l!["ManagedOwnerName"] == "Route 53 Resolver DNS Firewall");
        var delete = await aws.RunAsync("delete-firewall-domain-list", "--firewall-domain-list-id", (string)corpList["Id"]!);
        var missing = await aws.RunAsync("get-firewall-rule-group", "--firewall-rule-group-id", "rslvr-frg-0000000000000000");
        var noSuchNetwork = await aws.RunAsync("associate-firewall-rule-group", "--firewall-rule-group-id", "rslvr-frg-0000000000000000", "--vpc-id", "vpc-nowhere", "--priority", "200", "--name", "n");

        Assert.Contains("(AccessDeniedException)", delete.Stderr, StringComparison.Ordinal);
        Assert.Contains("(ResourceNotFoundException)", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("(ResourceNotFoundException)", noSuchNetwork.Stderr, StringComparison.Ordinal);
        var blocked = await resolver.DigAsync("corp-blocked.example", "A", "-b", "127.0.0.2");
        Assert.Equal("NOERROR", blocked.Status);
        Assert.Empty(blocked.Answers);
        Assert.DoesNotContain(resolver.Upstream.Received, r => r.Name == "corp-blocked.example");
    }

    [Fact]
    public async Task The_cli_pages_through_lists_with_next_token_and_creator_request_id_is_idempotent()
    {
        await using var resolver = await ApiResolver.StartAsync(Rulesets);
        var aws = new AwsCli(resolver.ApiAddress);
        for (var i = 0; i < 5; i++)
        {
            await aws.Route53ResolverAsync("create-firewall-rule-group", "--name", $"group-{i}", "--creator-request-id", $"page-{i}");
        }

        var again = await aws.Route53ResolverAsync("create-firewall-rule-group", "--name", "group-0", "--creator-request-id", "page-0");
        var firstPage = await aws.Route53ResolverAsync("list-firewall-rule-groups", "--max-items", "2");
        var all = await aws.Route53ResolverAsync("list-firewall-rule-groups", "--page-size", "2");

        var names = all["FirewallRuleGroups"]!.AsArray().Select(g => (string)g!["Name"]!).ToList();
        Assert.Equal(6, names.Count);
        Assert.Equal(6, names.Distinct().Count());
        Assert.Contains("corp", names);
        Assert.Equal(2, firstPage["FirewallRuleGroups"]!.AsArray().Count);
        Assert.NotNull(firstPage["NextToken"]);
        Assert.Equal((string?)again["FirewallRuleGroup"]!["Id"], (string?)all["FirewallRuleGroups"]!.AsArray().Single(g => (string?)g!["Name"] == "group-0")!["Id"]);
    }

    private static async Task<bool> WaitForListStatusAsync(AwsCli aws, string listId, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var list = await aws.Route53ResolverAsync("get-firewall-domain-list", "--firewall-domain-list-id", listId);
            if ((string?)list["FirewallDomainList"]!["Status"] == status)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
