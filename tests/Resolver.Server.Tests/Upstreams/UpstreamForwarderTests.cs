using System.Diagnostics;
using System.Net.Sockets;
using Resolver.Testing;

namespace Resolver.Server.Tests.Upstreams;

public sealed class UpstreamForwarderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>A stop with queries in flight finishes within this, far below their 6 s query timeout.</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Answer_is_forwarded_byte_for_byte_with_the_client_id_restored()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var query = TestMessage.Query("Www.Example.TEST", TestMessage.TypeA, id: 0xBEEF);
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.True(upstream.Sent.TryPeek(out var sent));
        Assert.Equal(0xBEEF, TestMessage.Id(answer));
        Assert.NotEqual(0xBEEF, TestMessage.Id(sent));
        Assert.Equal(sent[2..], answer[2..]);
        Assert.Equal("Www.Example.TEST", TestMessage.QuestionName(answer));
    }

    [Fact]
    public async Task Silent_upstream_gets_servfail_within_the_query_timeout()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.Upstream.QueryTimeout = TimeSpan.FromSeconds(1));

        var started = System.Diagnostics.Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("slow.test", TestMessage.TypeA), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public async Task Client_edns_options_and_the_do_and_cd_bits_reach_the_upstream_unchanged()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        // Option 65001 (unknown to everyone) with six bytes of data; flags RD and CD.
        byte[] option = [0xFD, 0xE9, 0x00, 0x06, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01];
        var query = TestMessage.Query("Edns.Example.TEST", TestMessage.TypeA, id: 0x0E0E, ednsPayload: 1232, dnssecOk: true, ednsOptions: option, flags: 0x0110);
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        var request = Assert.Single(upstream.Received);
        Assert.Equal(query.Length, request.Bytes.Length);
        Assert.Equal(query[2..], request.Bytes[2..]);
        Assert.Equal(0x0010, TestMessage.Flags(request.Bytes) & 0x0010);
        var opt = TestMessage.FindOpt(request.Bytes);
        Assert.NotNull(opt);
        Assert.Equal(1232, opt.Value.Payload);
        Assert.True(opt.Value.DnssecOk);
        Assert.Equal(option, opt.Value.Options);
    }

    [Fact]
    public async Task Upstream_answer_comes_back_byte_for_byte_except_the_id_and_the_clients_name_case()
    {
        await using var upstream = TestUpstream.Start(request =>
        {
            var lowered = (byte[])request.Bytes.Clone();
            for (var i = 12; i < TestMessage.QuestionEnd(lowered) - 4; i++)
            {
                if (lowered[i] is >= (byte)'A' and <= (byte)'Z')
                {
                    lowered[i] |= 0x20;
                }
            }

            var answer = TestMessage.Answer(lowered, [TestMessage.A("192.0.2.44", ttl: 1234), TestMessage.A("192.0.2.45", ttl: 1234)], withOpt: true);
            answer[3] |= 0x20; // AD, which only the upstream sets
            return UpstreamReply.Send(answer);
        });
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        var query = TestMessage.Query("MiXeD.ExAmPlE.TeSt", TestMessage.TypeA, id: 0xCA5E, ednsPayload: 1232, dnssecOk: true, flags: 0x0110);
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.True(upstream.Sent.TryPeek(out var sent));
        Assert.Equal("mixed.example.test", TestMessage.QuestionName(sent));
        var expected = (byte[])sent.Clone();
        expected[0] = 0xCA;
        expected[1] = 0x5E;
        query.AsSpan(12, TestMessage.QuestionEnd(query) - 16).CopyTo(expected.AsSpan(12));
        Assert.Equal(expected, answer);
        Assert.Equal("MiXeD.ExAmPlE.TeSt", TestMessage.QuestionName(answer));
        Assert.Equal(0x0030, TestMessage.Flags(answer) & 0x0030);
    }

    [Fact]
    public async Task Two_hundred_concurrent_queries_each_get_the_answer_for_their_own_name_and_id()
    {
        const int queries = 200;
        await using var upstream = TestUpstream.Start(request =>
            UpstreamReply.Answer(request, [TestMessage.A(AddressFor(request.Name))], delay: TimeSpan.FromMilliseconds(Random.Shared.Next(0, 50))));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        var names = Enumerable.Range(0, queries).Select(i => $"c{i}.Load.Test").ToArray();
        var answers = await Task.WhenAll(names.Select((name, i) =>
            RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query(name, TestMessage.TypeA, id: (ushort)(0xA000 + i)), Timeout)));

        for (var i = 0; i < queries; i++)
        {
            var answer = answers[i];
            Assert.NotNull(answer);
            Assert.Equal((ushort)(0xA000 + i), TestMessage.Id(answer));
            Assert.Equal(0, TestMessage.Rcode(answer));
            Assert.Equal(names[i], TestMessage.QuestionName(answer));
            Assert.Equal(System.Net.IPAddress.Parse(AddressFor(names[i])).GetAddressBytes(), answer[^4..]);
        }

        Assert.Equal(queries, upstream.Received.Count);
        Assert.Equal(queries, server.Service.Pipeline.Counters.UpstreamAnswers);
        Assert.Equal(0, server.Service.Pipeline.Counters.ServerFailures);
        Assert.Equal(0, server.Service.Forwarder.MismatchedReplies);

        // The pipeline counts a query done just after handing its answer to the socket.
        Assert.True(await Eventually.TrueAsync(() => server.Service.Pipeline.InFlight == 0, Timeout), $"in flight: {server.Service.Pipeline.InFlight}");
    }

    [Fact]
    public async Task Stopping_the_server_answers_udp_queries_pending_at_a_silent_upstream_with_servfail()
    {
        const int queries = 5;
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], LongQueriesShortDrain);

        var pending = Enumerable.Range(0, queries)
            .Select(i => RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query($"pending{i}.test", TestMessage.TypeA, id: (ushort)(0x5000 + i)), Timeout))
            .ToArray();
        Assert.True(await Eventually.TrueAsync(() => upstream.Received.Count == queries, Timeout), $"upstream saw {upstream.Received.Count} queries");

        var stopping = Stopwatch.StartNew();
        await server.StopAsync().WaitAsync(Timeout);
        var stopped = stopping.Elapsed;
        var answers = await Task.WhenAll(pending);

        // Well before the 6 s query timeout (and the clients' 5 s): the stop, not the sweep, answered them.
        Assert.InRange(stopped, TimeSpan.Zero, StopBound);
        for (var i = 0; i < queries; i++)
        {
            Assert.NotNull(answers[i]);
            Assert.Equal((ushort)(0x5000 + i), TestMessage.Id(answers[i]));
            Assert.Equal(2, TestMessage.Rcode(answers[i]));
            Assert.Equal($"pending{i}.test", TestMessage.QuestionName(answers[i]));
        }

        Assert.Equal(queries, server.Service.Pipeline.Counters.ServerFailures);
        Assert.Equal(0, server.Service.Pipeline.InFlight);
    }

    [Fact]
    public async Task Stopping_the_server_answers_tcp_queries_pending_at_a_silent_upstream_with_servfail()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], LongQueriesShortDrain);
        using var socket = await RawDnsClient.ConnectTcpAsync(server.EndPoint, TimeSpan.FromSeconds(5));
        await socket.SendAsync(RawDnsClient.Frame(TestMessage.Query("pending.tcp.test", TestMessage.TypeA, id: 0x6001)), SocketFlags.None);
        Assert.True(await Eventually.TrueAsync(() => upstream.Received.Count == 1, Timeout), "the upstream did not see the query");

        var stopping = Stopwatch.StartNew();
        var stop = server.StopAsync();
        var answer = await RawDnsClient.ReadFramedAsync(socket, Timeout);
        var answered = stopping.Elapsed;
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(answer);
        Assert.Equal(0x6001, TestMessage.Id(answer));
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.InRange(answered, TimeSpan.Zero, StopBound);
    }

    [Fact]
    public async Task Stopping_the_server_in_tcp_only_mode_answers_pending_queries_with_servfail()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], options =>
        {
            LongQueriesShortDrain(options);
            options.Upstream.TcpOnly = true;
        });

        var pending = RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("pending.only.test", TestMessage.TypeA, id: 0x6002), Timeout);
        Assert.True(await Eventually.TrueAsync(() => upstream.Received.Count == 1, Timeout), "the upstream did not see the query");

        var stopping = Stopwatch.StartNew();
        await server.StopAsync().WaitAsync(Timeout);
        var stopped = stopping.Elapsed;
        var answer = await pending;

        Assert.InRange(stopped, TimeSpan.Zero, StopBound);
        Assert.NotNull(answer);
        Assert.Equal(0x6002, TestMessage.Id(answer));
        Assert.Equal(2, TestMessage.Rcode(answer));
    }

    /// <summary>One attempt per query however busy the machine: no retry can add requests or late replies.</summary>
    private static void Patient(Resolver.Server.Configuration.DnsServerOptions options)
    {
        options.Upstream.QueryTimeout = TimeSpan.FromSeconds(4);
        options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(4);
    }

    private static void LongQueriesShortDrain(Resolver.Server.Configuration.DnsServerOptions options)
    {
        options.Upstream.QueryTimeout = TimeSpan.FromSeconds(6);
        options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(6);
        options.ShutdownDrainTimeout = TimeSpan.FromMilliseconds(200);
    }

    /// <summary>10.0.x.y from the number in "c{n}.Load.Test": each name has its own answer.</summary>
    private static string AddressFor(string name)
    {
        var number = int.Parse(name.AsSpan(1, name.IndexOf('.', StringComparison.Ordinal) - 1), System.Globalization.CultureInfo.InvariantCulture);
        return $"10.0.{number >> 8}.{number & 0xFF}";
    }

}
