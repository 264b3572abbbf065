using System.Diagnostics;
using System.Net;
using Resolver.Testing;

namespace Resolver.IntegrationTests;

public sealed class ForwardingWithDigTests
{
    private static readonly Dictionary<string, string> ShortTimeouts = new()
    {
        ["Upstream:QueryTimeout"] = "00:00:01",
        ["Upstream:AttemptTimeout"] = "00:00:00.400",
    };

    [Fact]
    public async Task Dig_over_udp_gets_the_upstream_answer()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "www.example.test");

        Assert.Equal("NOERROR", result.Status);
        Assert.Contains("www.example.test. 300 IN A 192.0.2.1", result.Answers);
        Assert.Contains("ra", result.Flags);
    }

    [Fact]
    public async Task Dig_gets_its_own_spelling_of_the_question_name_back()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "WwW.ExAmple.TEST");

        Assert.Equal("NOERROR", result.Status);
        Assert.Equal("WwW.ExAmple.TEST.", result.QuestionName);
        Assert.Equal(["WwW.ExAmple.TEST. 300 IN A 192.0.2.1"], result.Answers);
        Assert.DoesNotContain("WARNING", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dig_over_tcp_gets_the_upstream_answer()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "tcp.example.test", "A", "+tcp");

        Assert.Equal("NOERROR", result.Status);
        Assert.Equal(["tcp.example.test. 300 IN A 192.0.2.1"], result.Answers);
        Assert.Contains("ra", result.Flags);
        Assert.Contains("(TCP)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_upstream_tcp_only_dig_is_answered_through_a_tcp_upstream_exchange()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint], tcpOnly: true);

        var result = await Dig.QueryAsync(resolver.EndPoint, "tcponly.example.test");

        Assert.Equal("NOERROR", result.Status);
        Assert.Equal(["tcponly.example.test. 300 IN A 192.0.2.1"], result.Answers);
        Assert.NotEmpty(upstream.Received);
        Assert.All(upstream.Received, request => Assert.Equal(UpstreamTransport.Tcp, request.Transport));
    }

    [Fact]
    public async Task Dnssec_ok_bit_reaches_the_upstream_and_comes_back_to_dig()
    {
        await using var upstream = TestUpstream.Start(request =>
        {
            var opt = TestMessage.FindOpt(request.Bytes);
            return UpstreamReply.Send(TestEdns.Answer(request.Bytes, [TestMessage.A("192.0.2.7")], dnssecOk: opt?.DnssecOk ?? false));
        });
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "signed.example.test", "A", "+dnssec");

        Assert.Equal("NOERROR", result.Status);
        Assert.Equal(["signed.example.test. 300 IN A 192.0.2.7"], result.Answers);
        Assert.NotNull(result.EdnsFlags);
        Assert.Contains("do", result.EdnsFlags.Split(' '));
        var received = Assert.Single(upstream.Received);
        var forwardedOpt = TestMessage.FindOpt(received.Bytes);
        Assert.NotNull(forwardedOpt);
        Assert.True(forwardedOpt.Value.DnssecOk);
    }

    [Fact]
    public async Task Without_dnssec_the_do_bit_stays_clear_upstream()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "plain.example.test");

        Assert.Equal("NOERROR", result.Status);
        var received = Assert.Single(upstream.Received);
        var forwardedOpt = TestMessage.FindOpt(received.Bytes);
        Assert.NotNull(forwardedOpt);
        Assert.False(forwardedOpt.Value.DnssecOk);
    }

    [Fact]
    public async Task Large_answer_over_a_512_byte_buffer_is_truncated_and_dig_gets_it_all_over_tcp()
    {
        await using var upstream = TestUpstream.Start(ManyTxtRecords);
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "big.example.test", "TXT", "+bufsize=512");

        Assert.True(result.RetriedOverTcp, result.Output);
        Assert.Equal("NOERROR", result.Status);
        Assert.Equal(40, result.Answers.Count);
        for (var i = 0; i < 40; i++)
        {
            Assert.Contains($"big.example.test. 60 IN TXT \"{TxtText(i)}\"", result.Answers);
        }

        Assert.True(resolver.Server.Pipeline.Counters.Truncated >= 1);
    }

    [Fact]
    public async Task Large_answer_without_edns_is_truncated_at_512_bytes_and_retried_over_tcp()
    {
        await using var upstream = TestUpstream.Start(ManyTxtRecords);
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "big.example.test", "TXT", "+noedns");

        Assert.True(result.RetriedOverTcp, result.Output);
        Assert.Equal("NOERROR", result.Status);
        Assert.Equal(40, result.Answers.Count);
        Assert.Null(result.EdnsFlags);
        Assert.True(resolver.Server.Pipeline.Counters.Truncated >= 1);
    }

    [Fact]
    public async Task Truncated_udp_answer_shows_the_tc_flag_and_no_records()
    {
        await using var upstream = TestUpstream.Start(ManyTxtRecords);
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "big.example.test", "TXT", "+ignore", "+bufsize=512");

        Assert.False(result.RetriedOverTcp, result.Output);
        Assert.Equal("NOERROR", result.Status);
        Assert.Contains("tc", result.Flags);
        Assert.Empty(result.Answers);
        Assert.Contains("MSG SIZE  rcvd:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dead_upstream_gives_servfail_within_the_query_timeout()
    {
        await using var resolver = await ResolverUnderTest.StartAsync([TestUpstream.ClosedEndPoint()], tcpOnly: false, ShortTimeouts);

        var started = Stopwatch.StartNew();
        var result = await Dig.QueryAsync(resolver.EndPoint, "dead.example.test");
        started.Stop();

        Assert.Equal("SERVFAIL", result.Status);
        Assert.Empty(result.Answers);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2.5), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Closed_upstream_port_is_passed_over_at_once_for_the_next_upstream()
    {
        await using var upstream = TestUpstream.Start();
        var slowAttempts = new Dictionary<string, string>
        {
            ["Upstream:QueryTimeout"] = "00:00:04",
            ["Upstream:AttemptTimeout"] = "00:00:02",
        };
        await using var resolver = await ResolverUnderTest.StartAsync([TestUpstream.ClosedEndPoint(), upstream.EndPoint], tcpOnly: false, slowAttempts);

        var started = Stopwatch.StartNew();
        var result = await Dig.QueryAsync(resolver.EndPoint, "failover.example.test");
        started.Stop();

        // ICMP port unreachable moves the query on at once; waiting out the 2 s attempt would mean it went unseen.
        Assert.Equal("NOERROR", result.Status);
        Assert.Equal(["failover.example.test. 300 IN A 192.0.2.1"], result.Answers);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1.5), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Silent_upstream_gives_servfail_within_the_query_timeout()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint], tcpOnly: false, ShortTimeouts);

        var started = Stopwatch.StartNew();
        var result = await Dig.QueryAsync(resolver.EndPoint, "silent.example.test");
        started.Stop();

        Assert.Equal("SERVFAIL", result.Status);
        Assert.Empty(result.Answers);
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(0.9), $"took {started.Elapsed}");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2.5), $"took {started.Elapsed}");
        Assert.NotEmpty(upstream.Received);
    }

    [Fact]
    public async Task Upstream_slower_than_the_attempt_timeout_still_answers_within_the_query_timeout()
    {
        // Every attempt is answered after 900 ms: past AttemptTimeout (750 ms), well within QueryTimeout (2 s).
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, [TestMessage.A("192.0.2.9")], delay: TimeSpan.FromMilliseconds(900)));
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "slow.example.test");

        Assert.Equal("NOERROR", result.Status);
        Assert.Equal(["slow.example.test. 300 IN A 192.0.2.9"], result.Answers);
    }

    [Fact]
    public async Task Nxdomain_from_the_upstream_is_passed_through()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, [], rcode: 3));
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "missing.example.test");

        Assert.Equal("NXDOMAIN", result.Status);
        Assert.Empty(result.Answers);
        Assert.Contains("ra", result.Flags);
    }

    [Theory]
    [InlineData("AAAA", "v6.example.test. 300 IN AAAA 2001:db8::53")]
    [InlineData("TXT", "txt.example.test. 60 IN TXT \"hello resolver\"")]
    public async Task Aaaa_and_txt_answers_are_forwarded(string type, string expected)
    {
        await using var upstream = TestUpstream.Start(request => request.Type switch
        {
            TestMessage.TypeAaaa => UpstreamReply.Answer(request, [new TestRecord(TestMessage.TypeAaaa, 300, IPAddress.Parse("2001:db8::53").GetAddressBytes())]),
            TestMessage.TypeTxt => UpstreamReply.Answer(request, [TestMessage.Txt(60, "hello resolver")]),
            _ => UpstreamReply.Answer(request, []),
        });
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var name = expected.Split(' ')[0];

        var result = await Dig.QueryAsync(resolver.EndPoint, name, type);

        Assert.Equal("NOERROR", result.Status);
        Assert.Equal([expected], result.Answers);
        var received = Assert.Single(upstream.Received);
        Assert.Equal(type == "AAAA" ? TestMessage.TypeAaaa : TestMessage.TypeTxt, received.Type);
    }

    private static string TxtText(int index) => $"record-{index:D2}-padding-padding-padding";

    private static UpstreamReply ManyTxtRecords(UpstreamRequest request) =>
        UpstreamReply.Answer(request, [.. Enumerable.Range(0, 40).Select(i => TestMessage.Txt(60, TxtText(i)))]);
}
