using System.Net;
using DnsClient;
using DnsClient.Protocol;
using DnsClient.Protocol.Options;
using Resolver.Testing;

namespace Resolver.IntegrationTests;

public sealed class ForwardingWithDnsClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task DnsClient_over_udp_gets_the_upstream_records()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var client = Client(resolver.EndPoint, tcpOnly: false);

        var response = await client.QueryAsync("www.example.test", QueryType.A);

        Assert.False(response.HasError, response.ErrorMessage);
        Assert.Equal(DnsHeaderResponseCode.NoError, response.Header.ResponseCode);
        Assert.True(response.Header.RecursionAvailable);
        var record = Assert.Single(response.Answers.ARecords());
        Assert.Equal(IPAddress.Parse("192.0.2.1"), record.Address);
        Assert.Equal(300, record.InitialTimeToLive);
        Assert.Equal("www.example.test.", record.DomainName.Value);
        Assert.Equal(UpstreamTransport.Udp, Assert.Single(upstream.Received).Transport);
    }

    [Fact]
    public async Task DnsClient_over_tcp_gets_the_upstream_records()
    {
        await using var upstream = TestUpstream.Start(request =>
            UpstreamReply.Answer(request, [TestMessage.A("192.0.2.10"), TestMessage.A("192.0.2.11"), TestMessage.A("192.0.2.12")]));
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var client = Client(resolver.EndPoint, tcpOnly: true);

        var response = await client.QueryAsync("three.example.test", QueryType.A);

        Assert.False(response.HasError, response.ErrorMessage);
        Assert.Equal(DnsHeaderResponseCode.NoError, response.Header.ResponseCode);
        Assert.Equal(
            ["192.0.2.10", "192.0.2.11", "192.0.2.12"],
            response.Answers.ARecords().Select(a => a.Address.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(0, resolver.Server.Pipeline.Counters.UdpQueries);
        Assert.Equal(1, resolver.Server.Pipeline.Counters.TcpQueries);
    }

    [Fact]
    public async Task Answer_too_large_for_udp_reaches_DnsClient_through_its_tcp_fallback()
    {
        await using var upstream = TestUpstream.Start(request =>
            UpstreamReply.Answer(request, [.. Enumerable.Range(0, 40).Select(i => TestMessage.Txt(60, $"text-{i:D2}-0123456789abcdef"))]));
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var client = Client(resolver.EndPoint, tcpOnly: false);

        var response = await client.QueryAsync("big.example.test", QueryType.TXT);

        Assert.False(response.HasError, response.ErrorMessage);
        var texts = response.Answers.TxtRecords().Select(t => Assert.Single(t.Text)).ToList();
        Assert.Equal(40, texts.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"text-{i:D2}-0123456789abcdef"), texts.Order(StringComparer.Ordinal));
        Assert.Equal(1, resolver.Server.Pipeline.Counters.Truncated);
        Assert.Equal(1, resolver.Server.Pipeline.Counters.TcpQueries);
    }

    [Fact]
    public async Task DnsClient_sees_nxdomain_from_the_upstream()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, [], rcode: 3));
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var client = Client(resolver.EndPoint, tcpOnly: false);

        var response = await client.QueryAsync("missing.example.test", QueryType.A);

        Assert.True(response.HasError);
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, response.Header.ResponseCode);
        Assert.Empty(response.Answers);
    }

    [Fact]
    public async Task Answer_is_forwarded_byte_for_byte_with_unknown_edns_options_both_ways()
    {
        var upstreamOption = TestEdns.Option(65001, 0xDE, 0xAD, 0xBE, 0xEF, 0x01);
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Send(
            TestEdns.Answer(request.Bytes, [TestMessage.A("192.0.2.33", ttl: 1234), TestMessage.Txt(77, "kept", "as sent")], payload: 1400, dnssecOk: true, options: upstreamOption)));
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var clientOption = TestEdns.Option(65001, 0x01, 0x02, 0x03);
        var query = TestMessage.Query("Bytes.Example.test", TestMessage.TypeA, id: 0xA55A, ednsPayload: 1232, dnssecOk: true, ednsOptions: clientOption);

        var answer = await RawDnsClient.ExchangeUdpAsync(resolver.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0xA55A, TestMessage.Id(answer));
        var sent = Assert.Single(upstream.Sent);
        Assert.Equal(sent.AsSpan(2).ToArray(), answer.AsSpan(2).ToArray());
        var answerOpt = TestMessage.FindOpt(answer);
        Assert.NotNull(answerOpt);
        Assert.Equal(upstreamOption, answerOpt.Value.Options);
        Assert.Equal(1400, answerOpt.Value.Payload);

        var received = Assert.Single(upstream.Received);
        Assert.NotEqual(0xA55A, received.Id);
        Assert.Equal(query.AsSpan(2).ToArray(), received.Bytes.AsSpan(2).ToArray());
        var forwardedOpt = TestMessage.FindOpt(received.Bytes);
        Assert.NotNull(forwardedOpt);
        Assert.Equal(clientOption, forwardedOpt.Value.Options);
        Assert.True(forwardedOpt.Value.DnssecOk);
    }

    [Fact]
    public async Task DnsClient_parses_the_forwarded_answer_with_an_unknown_edns_option()
    {
        var upstreamOption = TestEdns.Option(65001, 0x42);
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Send(
            TestEdns.Answer(request.Bytes, [TestMessage.A("192.0.2.34")], options: upstreamOption)));
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var client = Client(resolver.EndPoint, tcpOnly: false);

        var response = await client.QueryAsync("edns.example.test", QueryType.A);

        Assert.False(response.HasError, response.ErrorMessage);
        Assert.Equal(IPAddress.Parse("192.0.2.34"), Assert.Single(response.Answers.ARecords()).Address);
        var opt = Assert.Single(response.Additionals.OfType<OptRecord>());
        Assert.Equal(1232, (int)opt.UdpSize);
    }

    private static LookupClient Client(IPEndPoint server, bool tcpOnly) =>
        new(new LookupClientOptions(new NameServer(server))
        {
            UseCache = false,
            Retries = 0,
            Timeout = Timeout,
            UseTcpOnly = tcpOnly,
            UseTcpFallback = true,
            ThrowDnsErrors = false,
        });
}
