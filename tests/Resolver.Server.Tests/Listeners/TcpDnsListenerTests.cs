using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Resolver.Testing;

namespace Resolver.Server.Tests.Listeners;

public sealed class TcpDnsListenerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Query_over_tcp_is_answered()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var answer = await TcpTestClient.ExchangeAsync(server.EndPoint, TestMessage.Query("Tcp.Example.Test", TestMessage.TypeA, id: 0x7C70), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x7C70, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Rcode(answer));
        Assert.Equal(1, TestMessage.Count(answer, 1));
        Assert.Equal("Tcp.Example.Test", TestMessage.QuestionName(answer));
        Assert.Equal(1, server.Service.Pipeline.Counters.TcpQueries);
    }

    [Fact]
    public async Task Pipelined_queries_are_all_answered_in_the_order_the_upstream_answers_them()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.SendAfter(
            request.Name switch
            {
                "slow.test" => TimeSpan.FromMilliseconds(1200),
                "medium.test" => TimeSpan.FromMilliseconds(600),
                _ => TimeSpan.Zero,
            },
            TestMessage.Answer(request.Bytes, [TestMessage.A("192.0.2.1")])));

        // Gaps of 600 ms, so a busy machine does not reorder the upstream's answers.
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o =>
        {
            o.Upstream.QueryTimeout = TimeSpan.FromSeconds(4);
            o.Upstream.AttemptTimeout = o.Upstream.QueryTimeout;
        });
        var names = new Dictionary<ushort, string> { [1] = "slow.test", [2] = "medium.test", [3] = "fast.test" };
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);

        await TcpTestClient.SendAsync(socket, [.. names.SelectMany(pair => RawDnsClient.Frame(TestMessage.Query(pair.Value, TestMessage.TypeA, id: pair.Key)))], Timeout);
        var answers = new List<byte[]>();
        for (var i = 0; i < names.Count; i++)
        {
            var answer = await RawDnsClient.ReadFramedAsync(socket, Timeout);
            Assert.NotNull(answer);
            answers.Add(answer);
        }

        Assert.Equal([3, 2, 1], answers.Select(a => (int)TestMessage.Id(a)));
        Assert.All(answers, a =>
        {
            Assert.Equal(names[TestMessage.Id(a)], TestMessage.QuestionName(a));
            Assert.Equal(0, TestMessage.Rcode(a));
            Assert.Equal(1, TestMessage.Count(a, 1));
        });
    }

    [Fact]
    public async Task More_pipelined_queries_than_the_in_flight_limit_are_all_answered()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, [TestMessage.A("192.0.2.1")], delay: TimeSpan.FromMilliseconds(100)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.Tcp.MaxInFlightPerConnection = 2);
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);

        await TcpTestClient.SendAsync(socket, [.. Enumerable.Range(1, 6).SelectMany(i => RawDnsClient.Frame(TestMessage.Query($"q{i}.test", TestMessage.TypeA, id: (ushort)i)))], Timeout);
        var ids = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var answer = await RawDnsClient.ReadFramedAsync(socket, Timeout);
            Assert.NotNull(answer);
            Assert.Equal($"q{TestMessage.Id(answer)}.test", TestMessage.QuestionName(answer));
            ids.Add(TestMessage.Id(answer));
        }

        Assert.Equal([1, 2, 3, 4, 5, 6], ids.Order());
    }

    [Fact]
    public async Task Malformed_and_empty_messages_do_not_end_the_connection()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);
        var twoQuestions = TestMessage.Query("two.test", TestMessage.TypeA, id: 0x0F01);
        twoQuestions[5] = 2;

        await TcpTestClient.SendAsync(socket, [0, 0, .. RawDnsClient.Frame(twoQuestions)], Timeout);
        var formErr = await RawDnsClient.ReadFramedAsync(socket, Timeout);
        var answer = await TcpTestClient.ExchangeAsync(socket, TestMessage.Query("after.test", TestMessage.TypeA, id: 0x0F02), Timeout);

        Assert.NotNull(formErr);
        Assert.Equal(0x0F01, TestMessage.Id(formErr));
        Assert.Equal(1, TestMessage.Rcode(formErr));
        Assert.NotNull(answer);
        Assert.Equal(0x0F02, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Rcode(answer));
    }

    [Fact]
    public async Task Silent_connection_is_closed_after_the_idle_timeout()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.Tcp.IdleTimeout = TimeSpan.FromMilliseconds(300));
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);
        var elapsed = Stopwatch.StartNew();

        Assert.True(await TcpTestClient.WaitForCloseAsync(socket, TimeSpan.FromSeconds(3)));

        Assert.InRange(elapsed.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Connection_with_regular_queries_stays_open_past_the_idle_timeout()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.Tcp.IdleTimeout = TimeSpan.FromSeconds(1.5));
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);

        // 8 queries 300 ms apart keep the connection busy for 2.4 s, past the 1.5 s idle timeout, with
        // over a second of slack per gap for a slow first round (JIT) on a loaded machine.
        for (var i = 0; i < 8; i++)
        {
            await Task.Delay(300);
            var answer = await TcpTestClient.ExchangeAsync(socket, TestMessage.Query($"keep{i}.test", TestMessage.TypeA, id: (ushort)(0x100 + i)), Timeout);
            Assert.NotNull(answer);
            Assert.Equal(0x100 + i, TestMessage.Id(answer));
        }
    }

    [Fact]
    public async Task Answer_in_flight_when_the_idle_timeout_passes_is_still_delivered()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, [TestMessage.A("192.0.2.1")], delay: TimeSpan.FromMilliseconds(600)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o =>
        {
            o.Tcp.IdleTimeout = TimeSpan.FromMilliseconds(200);
            o.Upstream.AttemptTimeout = o.Upstream.QueryTimeout;
        });
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);

        var answer = await TcpTestClient.ExchangeAsync(socket, TestMessage.Query("late.test", TestMessage.TypeA, id: 0x1A7E), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x1A7E, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Rcode(answer));
    }

    [Fact]
    public async Task Connection_beyond_the_cap_is_closed_while_the_open_ones_keep_working()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.Tcp.MaxConnections = 2);
        using var first = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);
        Assert.NotNull(await TcpTestClient.ExchangeAsync(first, TestMessage.Query("first.test", TestMessage.TypeA), Timeout));
        using var second = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);
        Assert.NotNull(await TcpTestClient.ExchangeAsync(second, TestMessage.Query("second.test", TestMessage.TypeA), Timeout));

        using (var third = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout))
        {
            Assert.True(await TcpTestClient.WaitForCloseAsync(third, TimeSpan.FromSeconds(3)));
        }

        var firstAgain = await TcpTestClient.ExchangeAsync(first, TestMessage.Query("first.again.test", TestMessage.TypeA, id: 0xF1), Timeout);
        var secondAgain = await TcpTestClient.ExchangeAsync(second, TestMessage.Query("second.again.test", TestMessage.TypeA, id: 0xF2), Timeout);
        Assert.NotNull(firstAgain);
        Assert.Equal(0xF1, TestMessage.Id(firstAgain));
        Assert.NotNull(secondAgain);
        Assert.Equal(0xF2, TestMessage.Id(secondAgain));
    }

    [Fact]
    public async Task Closed_connection_frees_its_place_under_the_cap()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.Tcp.MaxConnections = 1);
        using (var first = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout))
        {
            Assert.NotNull(await TcpTestClient.ExchangeAsync(first, TestMessage.Query("first.test", TestMessage.TypeA), Timeout));
        }

        // The server notices the close asynchronously; until then a new connection may still be refused.
        byte[]? answer = null;
        for (var attempt = 0; attempt < 20 && answer is null; attempt++)
        {
            try
            {
                answer = await TcpTestClient.ExchangeAsync(server.EndPoint, TestMessage.Query("next.test", TestMessage.TypeA, id: 0x0E27), Timeout);
            }
            catch (SocketException)
            {
            }

            if (answer is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(answer);
        Assert.Equal(0x0E27, TestMessage.Id(answer));
    }

    [Fact]
    public async Task Half_a_message_then_silence_is_disconnected_after_the_read_timeout()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o =>
        {
            o.Tcp.IdleTimeout = TimeSpan.FromSeconds(10);
            o.Tcp.ReadTimeout = TimeSpan.FromMilliseconds(300);
        });
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);
        var framed = RawDnsClient.Frame(TestMessage.Query("half.test", TestMessage.TypeA));

        await TcpTestClient.SendAsync(socket, framed[..(framed.Length / 2)], Timeout);

        Assert.True(await TcpTestClient.WaitForCloseAsync(socket, TimeSpan.FromSeconds(3)), "the connection is still open after 3 s");
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Half_a_length_prefix_then_silence_is_disconnected_after_the_read_timeout()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o =>
        {
            o.Tcp.IdleTimeout = TimeSpan.FromSeconds(10);
            o.Tcp.ReadTimeout = TimeSpan.FromMilliseconds(300);
        });
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);

        await TcpTestClient.SendAsync(socket, [0], Timeout);

        Assert.True(await TcpTestClient.WaitForCloseAsync(socket, TimeSpan.FromSeconds(3)), "the connection is still open after 3 s");
    }

    [Fact]
    public async Task Message_trickling_in_slower_than_the_read_timeout_is_disconnected_before_it_completes()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o =>
        {
            o.Tcp.IdleTimeout = TimeSpan.FromSeconds(10);
            o.Tcp.ReadTimeout = TimeSpan.FromMilliseconds(500);
        });
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);
        var framed = RawDnsClient.Frame(TestMessage.Query("trickle.example.test", TestMessage.TypeA));
        var closed = TcpTestClient.WaitForCloseAsync(socket, TimeSpan.FromSeconds(4));

        await TcpTestClient.SendAsync(socket, framed[..2], Timeout);
        var sent = 2;
        try
        {
            while (sent < framed.Length && !closed.IsCompleted)
            {
                await Task.Delay(100);
                await TcpTestClient.SendAsync(socket, framed[sent..(sent + 1)], Timeout);
                sent++;
            }
        }
        catch (SocketException)
        {
            // Reset by the server.
        }

        Assert.True(await closed, "the connection is still open after 4 s");
        Assert.True(sent < framed.Length, "the whole message was sent before the server closed the connection");
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Clients_leaving_mid_message_do_not_disturb_other_clients()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        using var other = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);
        Assert.NotNull(await TcpTestClient.ExchangeAsync(other, TestMessage.Query("before.test", TestMessage.TypeA), Timeout));
        var framed = RawDnsClient.Frame(TestMessage.Query("quitter.test", TestMessage.TypeA));

        // One leaves inside the length prefix, one inside the message, one resets the connection.
        foreach (var (sent, reset) in new[] { (1, false), (framed.Length - 5, false), (framed.Length - 5, true) })
        {
            using var quitter = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);
            await TcpTestClient.SendAsync(quitter, framed[..sent], Timeout);
            if (reset)
            {
                quitter.LingerState = new LingerOption(true, 0);
            }
        }

        await Task.Delay(100);
        var sameConnection = await TcpTestClient.ExchangeAsync(other, TestMessage.Query("after.test", TestMessage.TypeA, id: 0xAF7E), Timeout);
        var newConnection = await TcpTestClient.ExchangeAsync(server.EndPoint, TestMessage.Query("new.test", TestMessage.TypeA, id: 0x0E30), Timeout);

        Assert.NotNull(sameConnection);
        Assert.Equal(0xAF7E, TestMessage.Id(sameConnection));
        Assert.NotNull(newConnection);
        Assert.Equal(0x0E30, TestMessage.Id(newConnection));
        Assert.DoesNotContain(upstream.Received, r => r.Name == "quitter.test");
    }

    [Fact]
    public async Task Client_leaving_with_a_query_in_flight_does_not_disturb_other_clients()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, [TestMessage.A("192.0.2.1")], delay: request.Name == "gone.test" ? TimeSpan.FromMilliseconds(300) : TimeSpan.Zero));
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        using var other = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);

        using (var quitter = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout))
        {
            await TcpTestClient.SendAsync(quitter, RawDnsClient.Frame(TestMessage.Query("gone.test", TestMessage.TypeA)), Timeout);
            await WaitUntilAsync(() => upstream.Received.Any(r => r.Name == "gone.test"));
        }

        await WaitUntilAsync(() => !upstream.Sent.IsEmpty);
        await Task.Delay(100);
        var answer = await TcpTestClient.ExchangeAsync(other, TestMessage.Query("stay.test", TestMessage.TypeA, id: 0x57A7), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x57A7, TestMessage.Id(answer));
        Assert.Equal(0, server.Service.Pipeline.InFlight);
    }

    [Fact]
    public async Task Answer_too_large_for_udp_arrives_complete_over_tcp()
    {
        var records = Enumerable.Range(0, 38).Select(i => TestMessage.Txt(300, new string((char)('a' + (i % 26)), 200))).ToArray();
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, records));
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        var query = TestMessage.Query("Huge.Example.Test", TestMessage.TypeTxt, id: 0x8888, ednsPayload: 4096);

        var overUdp = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);
        var overTcp = await TcpTestClient.ExchangeAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(overUdp);
        Assert.True(TestMessage.IsTruncated(overUdp));
        Assert.NotNull(overTcp);
        Assert.False(TestMessage.IsTruncated(overTcp));
        var full = upstream.Sent.Last();
        Assert.True(full.Length > 8000, $"the upstream answer has {full.Length} bytes");
        Assert.Equal(full.Length, overTcp.Length);
        Assert.Equal(0x8888, TestMessage.Id(overTcp));
        Assert.Equal(full[2..], overTcp[2..]);
        Assert.Equal(38, BinaryPrimitives.ReadUInt16BigEndian(overTcp.AsSpan(6)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(elapsed.Elapsed < Timeout, "condition not met within 5 s");
            await Task.Delay(10);
        }
    }
}
