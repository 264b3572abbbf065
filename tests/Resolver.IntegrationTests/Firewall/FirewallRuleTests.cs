using System.Buffers.Binary;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Firewall;

/// <summary>The rule semantics of Route 53 DNS Firewall, checked through the wire with dig.</summary>
public sealed class FirewallRuleTests
{
    private const string Rules = """
        domainLists:
          - name: exact
            domains: [exact.example]
          - name: wild
            domains: ["*.wild.example"]
          - name: nx
            domains: [nx.example]
          - name: shadowed
            domains: [shadow.example]
          - name: aaaa-only
            domains: [v6.example]
          - name: overridden
            domains: [walled.example]
          - name: evil
            domains: [evil.example]
          - name: trusted
            domains: [trusted.example]
          - name: test-domain-blocks
            domains: [controldomain2.malwarelist.firewall.route53resolver.us-east-1.amazonaws.com]
        ruleGroups:
          - name: first
            rules:
              - { name: alert-shadow, priority: 10, domainList: shadowed, action: ALERT }
              - { name: trust, priority: 15, domainList: trusted, action: ALLOW, firewallDomainRedirectionAction: TRUST_REDIRECTION_DOMAIN }
          - name: second
            rules:
              - { name: block-exact, priority: 100, domainList: exact, action: BLOCK, blockResponse: NODATA }
              - { name: block-wild, priority: 200, domainList: wild, action: BLOCK, blockResponse: NODATA }
              - { name: block-nx, priority: 300, domainList: nx, action: BLOCK, blockResponse: NXDOMAIN }
              - { name: block-shadow, priority: 400, domainList: shadowed, action: BLOCK, blockResponse: NXDOMAIN }
              - { name: block-v6, priority: 500, domainList: aaaa-only, action: BLOCK, blockResponse: NXDOMAIN, qtype: AAAA }
              - { name: override, priority: 600, domainList: overridden, action: BLOCK, blockResponse: OVERRIDE,
                  blockOverrideDomain: garden.example.net, blockOverrideDnsType: CNAME, blockOverrideTtl: 60 }
              - { name: block-evil, priority: 700, domainList: evil, action: BLOCK, blockResponse: NXDOMAIN }
              - { name: block-test, priority: 800, domainList: test-domain-blocks, action: BLOCK, blockResponse: NXDOMAIN }
        networks:
          - name: default
            ruleGroupAssociations:
              - { ruleGroup: second, priority: 200 }
              - { ruleGroup: first, priority: 100 }
        """;

    [Theory]
    [InlineData("exact.example", "NOERROR", false)]
    [InlineData("EXACT.Example", "NOERROR", false)]
    [InlineData("www.exact.example", "NOERROR", true)]
    [InlineData("wild.example", "NOERROR", true)]
    [InlineData("a.wild.example", "NOERROR", false)]
    [InlineData("a.b.WILD.example", "NOERROR", false)]
    [InlineData("nx.example", "NXDOMAIN", false)]
    [InlineData("unlisted.example", "NOERROR", true)]
    public async Task Exact_wildcard_apex_and_case_decide_as_route53_does(string name, string status, bool forwarded)
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        var result = await resolver.DigAsync(name);

        Assert.Equal(status, result.Status);
        Assert.Equal(forwarded, result.Answers.Count == 1);
        Assert.Equal(name, result.QuestionName?.TrimEnd('.'));
    }

    [Fact]
    public async Task Block_responses_keep_the_question_id_and_edns_and_set_ra()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        var nodata = await resolver.DigAsync("exact.example", "A", "+dnssec");
        var nxdomain = await resolver.DigAsync("nx.example", "A", "+noedns");

        Assert.Equal("NOERROR", nodata.Status);
        Assert.Empty(nodata.Answers);
        Assert.Contains("ra", nodata.Flags);
        Assert.Contains("qr", nodata.Flags);
        Assert.DoesNotContain("aa", nodata.Flags);
        Assert.Equal(1232, nodata.EdnsUdpSize);
        Assert.Contains("do", nodata.EdnsFlags ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal("NXDOMAIN", nxdomain.Status);
        Assert.Null(nxdomain.EdnsUdpSize);
        Assert.Contains("ra", nxdomain.Flags);
        Assert.DoesNotContain(resolver.Upstream.Received, r => r.Name is "exact.example" or "nx.example");
    }

    [Fact]
    public async Task Alert_of_a_higher_priority_group_shadows_a_later_block()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        var result = await resolver.DigAsync("shadow.example");

        Assert.Equal("NOERROR", result.Status);
        Assert.Contains("shadow.example. 300 IN A 192.0.2.1", result.Answers);
        Assert.Equal(1, resolver.Server.Pipeline.Counters.Alerts);
    }

    [Fact]
    public async Task Qtype_filter_blocks_only_its_type()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        Assert.Equal("NXDOMAIN", (await resolver.DigAsync("v6.example", "AAAA")).Status);
        Assert.Equal("NOERROR", (await resolver.DigAsync("v6.example", "A")).Status);
    }

    [Fact]
    public async Task Override_answers_the_cname_with_its_ttl_then_the_target_records()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        var result = await resolver.DigAsync("Walled.example");

        Assert.Equal("NOERROR", result.Status);
        Assert.Equal(["Walled.example. 60 IN CNAME garden.example.net.", "garden.example.net. 300 IN A 192.0.2.1"], result.Answers);
        Assert.Contains(resolver.Upstream.Received, r => r.Name == "garden.example.net");
        Assert.DoesNotContain(resolver.Upstream.Received, r => r.Name.Equals("walled.example", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Override_over_tcp_works_the_same()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        var result = await resolver.DigAsync("walled.example", "A", "+tcp");

        Assert.Equal(["walled.example. 60 IN CNAME garden.example.net.", "garden.example.net. 300 IN A 192.0.2.1"], result.Answers);
    }

    [Fact]
    public async Task Cname_chain_into_a_blocked_name_is_blocked_unless_the_query_rule_trusts_redirection()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules, request =>
            request.Name is "cdn.example" or "trusted.example" ? UpstreamReply.Send(ChainAnswer(request.Bytes, "evil.example", [192, 0, 2, 66])) : null);

        var inspected = await resolver.DigAsync("cdn.example");
        var trusted = await resolver.DigAsync("trusted.example");

        Assert.Equal("NXDOMAIN", inspected.Status);
        Assert.Empty(inspected.Answers);
        Assert.Equal("NOERROR", trusted.Status);
        Assert.Equal(["trusted.example. 300 IN CNAME evil.example.", "evil.example. 300 IN A 192.0.2.66"], trusted.Answers);
        Assert.Equal(1, resolver.Server.Pipeline.Counters.RedirectionBlocked);
    }

    [Fact]
    public async Task Managed_test_domains_answer_1_2_3_4_unless_a_rule_blocks_them()
    {
        await using var resolver = await FirewallResolver.StartAsync(Rules);

        var open = await resolver.DigAsync("controldomain1.botnetlist.firewall.route53resolver.eu-west-1.amazonaws.com");
        var blocked = await resolver.DigAsync("controldomain2.malwarelist.firewall.route53resolver.us-east-1.amazonaws.com");

        Assert.Equal(["controldomain1.botnetlist.firewall.route53resolver.eu-west-1.amazonaws.com. 0 IN A 1.2.3.4"], open.Answers);
        Assert.Equal("NXDOMAIN", blocked.Status);
        Assert.DoesNotContain(resolver.Upstream.Received, r => r.Name.StartsWith("controldomain", StringComparison.Ordinal));
    }

    /// <summary>An answer <c>question CNAME target</c>, <c>target A address</c>, as an upstream resolver gives it.</summary>
    internal static byte[] ChainAnswer(byte[] query, string target, byte[] address)
    {
        var targetName = TestMessage.EncodeName(target);
        var answer = TestMessage.Answer(query, [new TestRecord(TestMessage.TypeCname, 300, targetName)]).ToList();
        BinaryPrimitives.WriteUInt16BigEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(answer)[6..], 2);
        answer.AddRange(targetName);
        answer.AddRange(new byte[] { 0, 1, 0, 1, 0, 0, 1, 44, 0, 4 });
        answer.AddRange(address);
        return [.. answer];
    }
}
