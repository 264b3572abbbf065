using System.Diagnostics;
using System.Net.Sockets;
using Resolver.Testing;

namespace Resolver.Server.Tests.Pipeline;

/// <summary>
/// How the pipeline finishes a forwarded query for the client (<c>OnUpstreamResponse</c>: ID, name case,
/// the client's UDP size; <c>OnUpstreamFailure</c>: the SERVFAIL it makes), through the real server.
/// </summary>
public sealed class QueryPipelineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Header (12) + "size.test" (11) + type and class (4): each A record adds 16 bytes.</summary>
    private const int BaseSize = 27;

    private const int ARecordSize = 16;

    public static TheoryData<ushort, int, int, bool> SizeCases => new()
    {
        // No EDNS: 512.
        { 0, 1232, (512 - BaseSize) / ARecordSize, false },
        { 0, 1232, ((512 - BaseSize) / ARecordSize) + 1, true },

        // EDNS below 512 counts as 512.
        { 100, 1232, (512 - BaseSize) / ARecordSize, false },
        { 100, 1232, ((512 - BaseSize) / ARecordSize) + 1, true },

        // The client's own size when below the server's cap.
        { 1000, 1232, (1000 - BaseSize) / ARecordSize, false },
        { 1000, 1232, ((1000 - BaseSize) / ARecordSize) + 1, true },

        // The server's cap when the client asks for more.
        { 4096, 1232, (1232 - BaseSize) / ARecordSize, false },
        { 4096, 1232, ((1232 - BaseSize) / ARecordSize) + 1, true },
        { 4096, 600, (600 - BaseSize) / ARecordSize, false },
        { 4096, 600, ((600 - BaseSize) / ARecordSize) + 1, true },
    };

    [Theory]
    [MemberData(nameof(SizeCases))]
    public async Task Udp_answer_is_truncated_exactly_when_it_exceeds_the_clients_limit(ushort clientPayload, int serverCap, int records, bool truncated)
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, ManyA(records)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], options =>
        {
            Patient(options);
            options.Udp.MaxResponseSize = serverCap;
        });

        var query = TestMessage.Query("Size.Test", TestMessage.TypeA, id: 0x5123, ednsPayload: clientPayload);
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x5123, TestMessage.Id(answer));
        Assert.Equal("Size.Test", TestMessage.QuestionName(answer));
        Assert.Equal(truncated, TestMessage.IsTruncated(answer));
        if (truncated)
        {
            Assert.Equal(BaseSize, answer.Length);
            Assert.Equal(0, TestMessage.Count(answer, 1));
            Assert.Equal(1, server.Service.Pipeline.Counters.Truncated);
        }
        else
        {
            Assert.Equal(BaseSize + (records * ARecordSize), answer.Length);
            Assert.Equal(records, TestMessage.Count(answer, 1));
            Assert.Equal(0, server.Service.Pipeline.Counters.Truncated);
        }
    }

    [Fact]
    public async Task No_udp_answer_fresh_or_cached_is_ever_larger_than_the_clients_limit()
    {
        // 60 A records: 987 bytes, more than 512 and 600, less than 1232; 120 records: more than 1232.
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, ManyA(request.Name.StartsWith("big", StringComparison.Ordinal) ? 120 : 60)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);
        ushort[] payloads = [4096, 1232, 1000, 600, 512, 100, 0, 4096, 0];

        foreach (var name in new[] { "mid.test", "big.test" })
        {
            foreach (var payload in payloads)
            {
                var query = TestMessage.Query(name, TestMessage.TypeA, ednsPayload: payload);
                var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

                Assert.NotNull(answer);
                var limit = payload == 0 ? 512 : Math.Clamp((int)payload, 512, 1232);
                var whole = BaseSize + (ARecordSize * (name == "big.test" ? 120 : 60));
                Assert.True(answer.Length <= limit, $"{name} EDNS {payload}: {answer.Length} bytes, limit {limit}");
                Assert.Equal(whole > limit, TestMessage.IsTruncated(answer));
            }
        }

        // The mid-size answer's repeats came from the cache (fitted there, not by the forwarding path).
        Assert.True(server.Service.Pipeline.Counters.CacheAnswers >= payloads.Length - 2, $"{server.Service.Pipeline.Counters.CacheAnswers} cache answers");
    }

    [Fact]
    public async Task Truncated_answer_keeps_the_upstreams_opt_record()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Send(TestMessage.Answer(request.Bytes, ManyA(100), withOpt: true)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        var query = TestMessage.Query("opt.test", TestMessage.TypeA, id: 0x0707, ednsPayload: 1232, dnssecOk: true);
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.True(TestMessage.IsTruncated(answer));
        Assert.Equal(0x0707, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Count(answer, 1));
        Assert.Equal(1, TestMessage.Count(answer, 3));
        Assert.Equal(TestMessage.QuestionEnd(query) + 11, answer.Length);
        var opt = TestMessage.FindOpt(answer);
        Assert.NotNull(opt);
        Assert.Equal(4096, opt.Value.Payload);
    }

    [Fact]
    public async Task Tcp_client_gets_a_large_answer_whole_with_its_id_and_name_case()
    {
        const int records = 200;
        await using var upstream = TestUpstream.Start(request => request.Transport == UpstreamTransport.Udp
            ? UpstreamReply.Send(TestMessage.Answer(request.Bytes, [], truncated: true))
            : UpstreamReply.Answer(request, ManyA(records)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);
        using var socket = await RawDnsClient.ConnectTcpAsync(server.EndPoint, TimeSpan.FromSeconds(5));

        await socket.SendAsync(RawDnsClient.Frame(TestMessage.Query("SIZE.test", TestMessage.TypeA, id: 0x0808)), SocketFlags.None);
        var answer = await RawDnsClient.ReadFramedAsync(socket, Timeout);

        Assert.NotNull(answer);
        Assert.False(TestMessage.IsTruncated(answer));
        Assert.Equal(0x0808, TestMessage.Id(answer));
        Assert.Equal("SIZE.test", TestMessage.QuestionName(answer));
        Assert.Equal(records, TestMessage.Count(answer, 1));
        Assert.Equal(BaseSize + (records * ARecordSize), answer.Length);
        Assert.Equal(0, server.Service.Pipeline.Counters.Truncated);
    }

    [Fact]
    public async Task Servfail_echoes_the_clients_id_flags_question_and_edns()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Quick);

        var query = TestMessage.Query("Fail.EXAMPLE.test", TestMessage.TypeAaaa, id: 0xF00D, ednsPayload: 4096, dnssecOk: true, ednsOptions: [0xFD, 0xE9, 0, 1, 7], flags: 0x0110);
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0xF00D, TestMessage.Id(answer));

        // QR, RD, RA, CD and SERVFAIL; no AA, TC or AD.
        Assert.Equal(0x8000 | 0x0100 | 0x0080 | 0x0010 | 2, TestMessage.Flags(answer));
        var questionEnd = TestMessage.QuestionEnd(query);
        Assert.Equal(query[12..questionEnd], answer[12..questionEnd]);
        Assert.Equal(1, TestMessage.Count(answer, 0));
        Assert.Equal(0, TestMessage.Count(answer, 1) + TestMessage.Count(answer, 2));
        Assert.Equal(1, TestMessage.Count(answer, 3));
        Assert.Equal(questionEnd + 11, answer.Length);
        var opt = TestMessage.FindOpt(answer);
        Assert.NotNull(opt);
        Assert.Equal(1232, opt.Value.Payload);
        Assert.True(opt.Value.DnssecOk);
        Assert.Empty(opt.Value.Options);
    }

    [Fact]
    public async Task Servfail_to_a_client_without_edns_has_no_opt_record()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Quick);

        var query = TestMessage.Query("plain.test", TestMessage.TypeA, id: 0x0BAD);
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x0BAD, TestMessage.Id(answer));
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.Equal(TestMessage.QuestionEnd(query), answer.Length);
        Assert.Equal(0, TestMessage.Count(answer, 3));
    }

    [Fact]
    public async Task Servfail_reaches_a_tcp_client_too()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Quick);
        using var socket = await RawDnsClient.ConnectTcpAsync(server.EndPoint, TimeSpan.FromSeconds(5));

        var query = TestMessage.Query("Tcp.Fail.test", TestMessage.TypeA, id: 0x0C0D);
        await socket.SendAsync(RawDnsClient.Frame(query), SocketFlags.None);
        var answer = await RawDnsClient.ReadFramedAsync(socket, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x0C0D, TestMessage.Id(answer));
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.Equal("Tcp.Fail.test", TestMessage.QuestionName(answer));
        Assert.Equal(1, server.Service.Pipeline.Counters.TcpQueries);
    }

    [Fact]
    public async Task Counters_follow_answered_and_failed_queries_and_nothing_stays_in_flight()
    {
        await using var upstream = TestUpstream.Start(request => request.Name.StartsWith("ok", StringComparison.Ordinal)
            ? UpstreamReply.Answer(request, [TestMessage.A("192.0.2.1")])
            : UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Quick);

        var ok = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("ok.test", TestMessage.TypeA, id: 1), Timeout);
        var failed = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("no.test", TestMessage.TypeA, id: 2), Timeout);

        Assert.NotNull(ok);
        Assert.Equal(0, TestMessage.Rcode(ok));
        Assert.NotNull(failed);
        Assert.Equal(2, TestMessage.Rcode(failed));
        var counters = server.Service.Pipeline.Counters;
        Assert.Equal(2, counters.UdpQueries);
        Assert.Equal(2, counters.Forwarded);
        Assert.Equal(1, counters.UpstreamAnswers);
        Assert.Equal(1, counters.ServerFailures);
        Assert.Equal(0, counters.Truncated);

        // The pipeline counts a query done just after handing its answer to the socket.
        Assert.True(await Eventually.TrueAsync(() => server.Service.Pipeline.InFlight == 0, Timeout), $"in flight: {server.Service.Pipeline.InFlight}");
    }

    [Fact]
    public async Task Answers_come_back_in_the_clients_case_whatever_case_the_upstream_uses()
    {
        await using var upstream = TestUpstream.Start(request =>
        {
            var upper = (byte[])request.Bytes.Clone();
            for (var i = 12; i < TestMessage.QuestionEnd(upper) - 4; i++)
            {
                if (upper[i] is >= (byte)'a' and <= (byte)'z')
                {
                    upper[i] &= 0xDF;
                }
            }

            return UpstreamReply.Send(TestMessage.Answer(upper, [TestMessage.A("192.0.2.10")]));
        });
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("www.lower-case.test", TestMessage.TypeA, id: 0x1111), Timeout);

        Assert.NotNull(answer);
        Assert.True(upstream.Sent.TryPeek(out var sent));
        Assert.Equal("WWW.LOWER-CASE.TEST", TestMessage.QuestionName(sent));
        Assert.Equal("www.lower-case.test", TestMessage.QuestionName(answer));
        Assert.Equal(new byte[] { 192, 0, 2, 10 }, answer[^4..]);
    }

    /// <summary>One attempt per query however busy the machine: no retry can add requests or late replies.</summary>
    private static void Patient(Resolver.Server.Configuration.DnsServerOptions options)
    {
        options.Upstream.QueryTimeout = TimeSpan.FromSeconds(4);
        options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(4);
    }

    private static void Quick(Resolver.Server.Configuration.DnsServerOptions options)
    {
        options.Upstream.QueryTimeout = TimeSpan.FromMilliseconds(600);
        options.Upstream.AttemptTimeout = TimeSpan.FromMilliseconds(600);
        options.Upstream.MaxAttempts = 1;
    }


    private static TestRecord[] ManyA(int count) =>
        [.. Enumerable.Range(0, count).Select(i => TestMessage.A($"198.51.{i / 250}.{(i % 250) + 1}"))];
}
