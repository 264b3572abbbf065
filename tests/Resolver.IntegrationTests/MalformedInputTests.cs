using System.Diagnostics;
using System.Net.Sockets;
using Resolver.Testing;

namespace Resolver.IntegrationTests;

public sealed class MalformedInputTests
{
    private const int RandomUdpPackets = 10_000;
    private const int RandomTcpConnections = 200;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Query_with_two_questions_gets_a_header_only_formerr_with_its_id()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var query = WithSecondQuestion(TestMessage.Query("one.example.test", TestMessage.TypeA, id: 0x7E57), "two.example.test");

        var answer = await RawDnsClient.ExchangeUdpAsync(resolver.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x7E57, TestMessage.Id(answer));
        Assert.True((TestMessage.Flags(answer) & 0x8000) != 0, "QR must be set");
        Assert.Equal(1, TestMessage.Rcode(answer));
        Assert.Equal(12, answer.Length);
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Status_opcode_gets_notimp_with_the_question_echoed()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var query = TestMessage.Query("status.example.test", TestMessage.TypeA, id: 0x0202, flags: (2 << 11) | 0x0100);

        var answer = await RawDnsClient.ExchangeUdpAsync(resolver.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x0202, TestMessage.Id(answer));
        Assert.Equal(4, TestMessage.Rcode(answer));
        Assert.Equal(2, (TestMessage.Flags(answer) >> 11) & 0xF);
        Assert.Equal(1, TestMessage.Count(answer, 0));
        Assert.Equal("status.example.test", TestMessage.QuestionName(answer));
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Dig_with_the_status_opcode_gets_notimp()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "status.example.test", "A", "+opcode=status");

        Assert.Equal("NOTIMP", result.Status);
        Assert.Contains("opcode: STATUS", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Answers);
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Dig_with_edns_version_1_gets_badvers()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "badvers.example.test", "A", "+edns=1", "+noednsnegotiation");

        Assert.Equal("BADVERS", result.Status);
        Assert.Empty(result.Answers);
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Dig_negotiating_edns_falls_back_to_version_0_after_badvers_and_gets_the_answer()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "negotiate.example.test", "A", "+edns=1");

        Assert.Equal("NOERROR", result.Status);
        Assert.Equal(["negotiate.example.test. 300 IN A 192.0.2.1"], result.Answers);
        var received = Assert.Single(upstream.Received);
        var opt = TestMessage.FindOpt(received.Bytes);
        Assert.NotNull(opt);
        Assert.Equal(0, received.Bytes[TestMessage.QuestionEnd(received.Bytes) + 6]);
    }

    [Fact]
    public async Task Edns_version_1_gets_extended_rcode_badvers_and_version_0_in_the_opt()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var query = TestMessage.Query("badvers.example.test", TestMessage.TypeA, id: 0x1616, ednsPayload: 1232);
        query[TestMessage.QuestionEnd(query) + 6] = 1;

        var answer = await RawDnsClient.ExchangeUdpAsync(resolver.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x1616, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Rcode(answer));
        var optStart = TestMessage.QuestionEnd(answer);
        Assert.Equal(1, TestMessage.Count(answer, 3));
        Assert.Equal(TestMessage.TypeOpt, (answer[optStart + 1] << 8) | answer[optStart + 2]);
        Assert.Equal(1, answer[optStart + 5]);
        Assert.Equal(0, answer[optStart + 6]);
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Short_packets_and_responses_are_dropped_without_an_answer()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        using var socket = RawDnsClient.Connect(resolver.EndPoint);
        var response = TestMessage.Query("response.example.test", TestMessage.TypeA, id: 0x0001, flags: 0x8180);

        await socket.SendAsync(new byte[] { 0x12, 0x34, 0x01, 0x00, 0x00 }, SocketFlags.None);
        await socket.SendAsync(response, SocketFlags.None);
        var nothing = await RawDnsClient.ReceiveUdpAsync(socket, TimeSpan.FromMilliseconds(300));
        await socket.SendAsync(TestMessage.Query("after.example.test", TestMessage.TypeA, id: 0x0002), SocketFlags.None);
        var answer = await RawDnsClient.ReceiveUdpAsync(socket, Timeout);

        Assert.Null(nothing);
        Assert.NotNull(answer);
        Assert.Equal(0x0002, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Rcode(answer));
        Assert.Equal(2, resolver.Server.Pipeline.Counters.Dropped);
    }

    [Fact]
    public async Task After_random_udp_packets_and_tcp_garbage_the_resolver_still_answers_dig()
    {
        await using var upstream = TestUpstream.Start(AnswerAnything);
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        var random = new Random(20_240_601);
        var bound = Stopwatch.StartNew();

        using (var socket = RawDnsClient.Connect(resolver.EndPoint))
        {
            for (var i = 0; i < RandomUdpPackets; i++)
            {
                var packet = new byte[random.Next(0, 513)];
                random.NextBytes(packet);
                socket.Send(packet);
                Assert.True(bound.Elapsed < TimeSpan.FromSeconds(20), $"only {i} packets sent in 20 s");
            }
        }

        var garbage = new List<byte[]>();
        for (var i = 0; i < RandomTcpConnections; i++)
        {
            var bytes = new byte[random.Next(0, 513)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length >= 2)
            {
                // Half of them with a plausible length prefix, so the garbage reaches the parser.
                var length = bytes.Length - 2 - random.Next(0, 3);
                bytes[0] = (byte)(Math.Max(length, 0) >> 8);
                bytes[1] = (byte)Math.Max(length, 0);
            }

            garbage.Add(bytes);
        }

        foreach (var chunk in garbage.Chunk(10))
        {
            await Task.WhenAll(chunk.Select(bytes => SendTcpGarbageAsync(resolver, bytes)));
            Assert.True(bound.Elapsed < TimeSpan.FromSeconds(40), "TCP garbage took over 40 s");
        }

        var overUdp = await Dig.QueryAsync(resolver.EndPoint, "still.example.test");
        var overTcp = await Dig.QueryAsync(resolver.EndPoint, "still-tcp.example.test", "A", "+tcp");

        Assert.Equal("NOERROR", overUdp.Status);
        Assert.Equal(["still.example.test. 300 IN A 192.0.2.1"], overUdp.Answers);
        Assert.Equal("NOERROR", overTcp.Status);
        Assert.Equal(["still-tcp.example.test. 300 IN A 192.0.2.1"], overTcp.Answers);
        var counters = resolver.Server.Pipeline.Counters;
        Assert.True(counters.Malformed + counters.Dropped > 1000, $"malformed {counters.Malformed}, dropped {counters.Dropped}");
        Assert.True(resolver.Server.IsListening);
    }

    private static async Task SendTcpGarbageAsync(ResolverUnderTest resolver, byte[] bytes)
    {
        using var socket = await RawDnsClient.ConnectTcpAsync(resolver.EndPoint, Timeout);
        using var cancellation = new CancellationTokenSource(Timeout);
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None, cancellation.Token);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The resolver may close a connection whose bytes make no sense before we finish: that is fine.
        }
    }

    /// <summary>Answers every query the resolver forwards, however odd its name; random bytes rarely make one.</summary>
    private static UpstreamReply AnswerAnything(UpstreamRequest request)
    {
        try
        {
            return UpstreamReply.Answer(request, request.Type == TestMessage.TypeA ? [TestMessage.A("192.0.2.1")] : []);
        }
        catch (ArgumentOutOfRangeException)
        {
            return UpstreamReply.Silent;
        }
        catch (IndexOutOfRangeException)
        {
            return UpstreamReply.Silent;
        }
    }

    private static byte[] WithSecondQuestion(byte[] query, string name)
    {
        var second = TestMessage.EncodeName(name).Concat(new byte[] { 0, 1, 0, 1 });
        var result = query.Concat(second).ToArray();
        result[5] = 2;
        return result;
    }
}
