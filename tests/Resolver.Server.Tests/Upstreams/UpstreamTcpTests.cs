using System.Diagnostics;
using System.Net.Sockets;
using Resolver.Server.Configuration;
using Resolver.Testing;

namespace Resolver.Server.Tests.Upstreams;

/// <summary>DNS over TCP towards the upstreams: the fallback after a truncated UDP answer, and TCP-only mode.</summary>
public sealed class UpstreamTcpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Truncated_udp_answer_is_fetched_again_over_tcp_and_returned_whole_when_it_fits()
    {
        await using var upstream = TestUpstream.Start(request => TruncatedOverUdp(request, ManyA(20)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        var query = TestMessage.Query("Big.Example.TEST", TestMessage.TypeA, id: 0x7C01);
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.False(TestMessage.IsTruncated(answer));
        Assert.Equal(0x7C01, TestMessage.Id(answer));
        Assert.Equal(20, TestMessage.Count(answer, 1));
        Assert.Equal("Big.Example.TEST", TestMessage.QuestionName(answer));
        var full = upstream.Sent.Single(message => !TestMessage.IsTruncated(message));
        Assert.Equal(full[2..], answer[2..]);

        var requests = upstream.Received.ToArray();
        Assert.Equal(new[] { UpstreamTransport.Udp, UpstreamTransport.Tcp }, requests.Select(request => request.Transport));
        Assert.Equal(requests[0].Bytes[2..], requests[1].Bytes[2..]);
        Assert.Equal(1, upstream.TcpConnections);
        Assert.Equal(0, server.Service.Pipeline.Counters.Truncated);
    }

    [Fact]
    public async Task Tcp_answer_too_large_for_a_plain_udp_client_is_sent_with_tc_and_whole_over_tcp()
    {
        await using var upstream = TestUpstream.Start(request => TruncatedOverUdp(request, LargeTxt()));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        var query = TestMessage.Query("Large.TEST", TestMessage.TypeTxt, id: 0x7C02);
        var udpAnswer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        // No EDNS: 512 bytes at most, so header and question only, with TC.
        Assert.NotNull(udpAnswer);
        Assert.True(TestMessage.IsTruncated(udpAnswer));
        Assert.Equal(0x7C02, TestMessage.Id(udpAnswer));
        Assert.Equal(0, TestMessage.Count(udpAnswer, 1));
        Assert.Equal(TestMessage.QuestionEnd(query), udpAnswer.Length);
        Assert.Equal("Large.TEST", TestMessage.QuestionName(udpAnswer));
        Assert.Equal(1, server.Service.Pipeline.Counters.Truncated);

        // The client retries over TCP as told and gets everything.
        using var socket = await RawDnsClient.ConnectTcpAsync(server.EndPoint, TimeSpan.FromSeconds(5));
        await socket.SendAsync(RawDnsClient.Frame(query), SocketFlags.None);
        var tcpAnswer = await RawDnsClient.ReadFramedAsync(socket, Timeout);

        Assert.NotNull(tcpAnswer);
        Assert.False(TestMessage.IsTruncated(tcpAnswer));
        Assert.Equal(0x7C02, TestMessage.Id(tcpAnswer));
        Assert.Equal(4, TestMessage.Count(tcpAnswer, 1));
        Assert.True(tcpAnswer.Length > 512, $"{tcpAnswer.Length} bytes");
        Assert.Equal(upstream.Sent.Last(message => !TestMessage.IsTruncated(message))[2..], tcpAnswer[2..]);
        Assert.Equal(1, server.Service.Pipeline.Counters.Truncated);
    }

    [Fact]
    public async Task Tcp_answer_reaches_an_edns_client_over_udp_when_it_fits_the_advertised_size()
    {
        await using var upstream = TestUpstream.Start(request => TruncatedOverUdp(request, LargeTxt()));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        var query = TestMessage.Query("large.test", TestMessage.TypeTxt, id: 0x7C03, ednsPayload: 4096);
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.False(TestMessage.IsTruncated(answer));
        Assert.Equal(4, TestMessage.Count(answer, 1));
        Assert.InRange(answer.Length, 513, 1232);
        Assert.Equal(UpstreamTransport.Tcp, upstream.Received.Last().Transport);
    }

    [Fact]
    public async Task Tcp_only_mode_sends_nothing_over_udp_and_reuses_one_connection()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], options => options.Upstream.TcpOnly = true);

        for (ushort id = 1; id <= 20; id++)
        {
            var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query($"n{id}.tcp.test", TestMessage.TypeA, id: id), Timeout);
            Assert.NotNull(answer);
            Assert.Equal(id, TestMessage.Id(answer));
            Assert.Equal(0, TestMessage.Rcode(answer));
            Assert.Equal(new byte[] { 192, 0, 2, 1 }, answer[^4..]);
        }

        Assert.Equal(20, upstream.Received.Count);
        Assert.All(upstream.Received, request => Assert.Equal(UpstreamTransport.Tcp, request.Transport));
        Assert.InRange(upstream.TcpConnections, 1, 2);
    }

    [Fact]
    public async Task Tcp_only_mode_answers_every_query_pipelined_on_one_client_connection()
    {
        const int queries = 20;
        await using var upstream = TestUpstream.Start(request =>
            UpstreamReply.Answer(request, [TestMessage.A(AddressFor(request.Name))], delay: TimeSpan.FromMilliseconds(Random.Shared.Next(0, 40))));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], options => options.Upstream.TcpOnly = true);
        using var socket = await RawDnsClient.ConnectTcpAsync(server.EndPoint, TimeSpan.FromSeconds(5));

        var batch = new List<byte>();
        for (var i = 0; i < queries; i++)
        {
            batch.AddRange(RawDnsClient.Frame(TestMessage.Query($"p{i}.pipe.test", TestMessage.TypeA, id: (ushort)(0x9000 + i))));
        }

        await socket.SendAsync(batch.ToArray(), SocketFlags.None);
        var answers = new Dictionary<ushort, byte[]>();
        for (var i = 0; i < queries; i++)
        {
            var answer = await RawDnsClient.ReadFramedAsync(socket, Timeout);
            Assert.NotNull(answer);
            answers.Add(TestMessage.Id(answer), answer);
        }

        for (var i = 0; i < queries; i++)
        {
            var answer = answers[(ushort)(0x9000 + i)];
            var name = $"p{i}.pipe.test";
            Assert.Equal(name, TestMessage.QuestionName(answer));
            Assert.Equal(0, TestMessage.Rcode(answer));
            Assert.Equal(System.Net.IPAddress.Parse(AddressFor(name)).GetAddressBytes(), answer[^4..]);
        }

        Assert.All(upstream.Received, request => Assert.Equal(UpstreamTransport.Tcp, request.Transport));
        // At most one connection per attempt: a loaded machine may let attempts time out and retry.
        Assert.InRange(upstream.TcpConnections, 1, queries * 3);
    }

    [Fact]
    public async Task Tcp_only_mode_moves_on_from_a_closed_port_to_the_next_upstream()
    {
        var closed = TestUpstream.ClosedEndPoint();
        await using var healthy = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([closed, healthy.EndPoint], options =>
        {
            options.Upstream.TcpOnly = true;
            options.Upstream.QueryTimeout = TimeSpan.FromSeconds(4);
            options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(3);
        });

        var started = Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("refused.tcp.test", TestMessage.TypeA, id: 0x0C0C), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0, TestMessage.Rcode(answer));
        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1.5));
        var request = Assert.Single(healthy.Received);
        Assert.Equal(UpstreamTransport.Tcp, request.Transport);
        Assert.Equal(1, server.Service.Forwarder.Upstreams[0].Failures);
    }

    [Fact]
    public async Task Tcp_only_mode_moves_on_from_a_silent_upstream_after_the_attempt_timeout()
    {
        await using var silent = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var healthy = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([silent.EndPoint, healthy.EndPoint], options =>
        {
            options.Upstream.TcpOnly = true;
            options.Upstream.QueryTimeout = TimeSpan.FromSeconds(3);
            options.Upstream.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        });

        var started = Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("silent.tcp.test", TestMessage.TypeA, id: 0x0D0D), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0, TestMessage.Rcode(answer));
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(1.5));

        // The silent upstream was tried first and failed; whether its accept loop read the query before the
        // forwarder gave up and closed the connection depends on scheduling, so count the failure instead.
        Assert.Equal(1, server.Service.Forwarder.Upstreams[0].Failures);
        Assert.Single(healthy.Received);
    }

    [Fact]
    public async Task Tcp_only_mode_with_a_silent_upstream_gets_servfail_within_the_query_timeout()
    {
        await using var silent = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([silent.EndPoint], options =>
        {
            options.Upstream.TcpOnly = true;
            Short(options);
        });

        var started = Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("mute.tcp.test", TestMessage.TypeA, id: 0x0E0E), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x0E0E, TestMessage.Id(answer));
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(3));
    }

    /// <summary>One attempt per query however busy the machine: no retry can add requests or late replies.</summary>
    private static void Patient(Resolver.Server.Configuration.DnsServerOptions options)
    {
        options.Upstream.QueryTimeout = TimeSpan.FromSeconds(4);
        options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(4);
    }

    private static void Short(DnsServerOptions options)
    {
        options.Upstream.QueryTimeout = TimeSpan.FromSeconds(1);
        options.Upstream.AttemptTimeout = TimeSpan.FromMilliseconds(300);
    }

    /// <summary>Over UDP an empty answer with TC set; over TCP the full answer with <paramref name="records"/>.</summary>
    private static UpstreamReply TruncatedOverUdp(UpstreamRequest request, IReadOnlyList<TestRecord> records) =>
        request.Transport == UpstreamTransport.Udp
            ? UpstreamReply.Send(TestMessage.Answer(request.Bytes, [], truncated: true))
            : UpstreamReply.Answer(request, records);

    private static TestRecord[] ManyA(int count) =>
        [.. Enumerable.Range(1, count).Select(i => TestMessage.A($"198.51.100.{i}"))];

    /// <summary>Four TXT records of 200 characters: about 880 bytes in all.</summary>
    private static TestRecord[] LargeTxt() =>
        [.. Enumerable.Range(0, 4).Select(i => TestMessage.Txt(300, new string((char)('a' + i), 200)))];

    /// <summary>10.0.0.(i + 1) for the name "p{i}.pipe.test": each name has its own answer.</summary>
    private static string AddressFor(string name) =>
        $"10.0.0.{int.Parse(name.AsSpan(1, name.IndexOf('.', StringComparison.Ordinal) - 1), System.Globalization.CultureInfo.InvariantCulture) + 1}";
}
