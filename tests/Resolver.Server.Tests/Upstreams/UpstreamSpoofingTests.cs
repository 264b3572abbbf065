using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Resolver.Testing;

namespace Resolver.Server.Tests.Upstreams;

/// <summary>
/// RFC 5452: a reply counts only if it comes from the upstream's address and port to the socket the
/// query left from, with the query's ID and question; IDs and source ports must be unpredictable.
/// </summary>
public sealed class UpstreamSpoofingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Replies_with_a_wrong_id_name_type_class_or_no_qr_bit_are_dropped_and_counted()
    {
        await using var upstream = TestUpstream.Start(request =>
        {
            var wrongId = TestMessage.Answer(request.Bytes, [TestMessage.A("203.0.113.1")]);
            wrongId[0] ^= 0x5A;

            // Same length as the real name, so only the letters differ.
            var wrongName = TestMessage.Answer(TestMessage.Query("wrong.test", TestMessage.TypeA, id: request.Id), [TestMessage.A("203.0.113.2")]);
            var wrongType = TestMessage.Answer(TestMessage.Query(request.Name, TestMessage.TypeAaaa, id: request.Id), [new TestRecord(TestMessage.TypeAaaa, 300, new byte[16])]);
            var wrongClass = TestMessage.Answer(request.Bytes, [TestMessage.A("203.0.113.4")]);
            wrongClass[TestMessage.QuestionEnd(wrongClass) - 1] = 3;
            var notAResponse = (byte[])request.Bytes.Clone();
            var right = TestMessage.Answer(request.Bytes, [TestMessage.A("192.0.2.53")]);
            return UpstreamReply.Send(wrongId, wrongName, wrongType, wrongClass, notAResponse, right);
        });
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("right.test", TestMessage.TypeA, id: 0x5151), Timeout);

        Assert.NotNull(answer);
        var right = upstream.Sent.Last();
        Assert.Equal(0x5151, TestMessage.Id(answer));
        Assert.Equal(right[2..], answer[2..]);
        Assert.Equal(new byte[] { 192, 0, 2, 53 }, answer[^4..]);

        // The forwarder reads one upstream's datagrams in order, so the five forgeries were handled first.
        Assert.Equal(5, server.Service.Forwarder.MismatchedReplies);
        Assert.Equal(1, server.Service.Pipeline.Counters.UpstreamAnswers);
    }

    [Fact]
    public async Task Mismatched_replies_alone_do_not_answer_the_query()
    {
        await using var upstream = TestUpstream.Start(request =>
        {
            var wrongId = TestMessage.Answer(request.Bytes, [TestMessage.A("203.0.113.1")]);
            wrongId[0] ^= 0xFF;
            wrongId[1] ^= 0xFF;
            var wrongName = TestMessage.Answer(TestMessage.Query("lone.other", TestMessage.TypeA, id: request.Id), [TestMessage.A("203.0.113.2")]);
            return UpstreamReply.Send(wrongId, wrongName);
        });
        await using var server = await TestServer.StartAsync([upstream.EndPoint], options =>
        {
            options.Upstream.QueryTimeout = TimeSpan.FromSeconds(1);
            options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(1);
            options.Upstream.MaxAttempts = 1;
        });

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("lone.test", TestMessage.TypeA, id: 0x0102), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x0102, TestMessage.Id(answer));
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.Equal(0, TestMessage.Count(answer, 1));
        Assert.Equal(2, server.Service.Forwarder.MismatchedReplies);
    }

    [Fact]
    public async Task Duplicate_of_the_right_reply_is_counted_as_mismatched_and_not_answered_twice()
    {
        await using var upstream = TestUpstream.Start(request =>
        {
            var right = TestMessage.Answer(request.Bytes, [TestMessage.A("192.0.2.9")]);
            return UpstreamReply.Send(right, right);
        });
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(server.EndPoint);

        await client.SendAsync(TestMessage.Query("twice.test", TestMessage.TypeA, id: 0x2222), SocketFlags.None);
        var first = await RawDnsClient.ReceiveUdpAsync(client, Timeout);
        var second = await RawDnsClient.ReceiveUdpAsync(client, TimeSpan.FromMilliseconds(300));

        Assert.NotNull(first);
        Assert.Equal(0x2222, TestMessage.Id(first));
        Assert.Null(second);
        Assert.True(await Eventually.TrueAsync(() => server.Service.Forwarder.MismatchedReplies == 1, Timeout), $"mismatched: {server.Service.Forwarder.MismatchedReplies}");
        Assert.Equal(1, server.Service.Pipeline.Counters.UpstreamAnswers);
    }

    [Fact]
    public async Task Reply_from_another_source_port_is_ignored()
    {
        using var spoofer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        spoofer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var upstream = TestUpstream.Start(request =>
        {
            // A perfect forgery (ID, question, flags) sent ahead of the real answer, but from another port.
            var forged = TestMessage.Answer(request.Bytes, [TestMessage.A("203.0.113.66")]);
            spoofer.SendTo(forged, request.RemoteEndPoint!);
            return UpstreamReply.SendAfter(TimeSpan.FromMilliseconds(100), TestMessage.Answer(request.Bytes, [TestMessage.A("192.0.2.80")]));
        });
        await using var server = await TestServer.StartAsync([upstream.EndPoint], Patient);

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("spoofed.test", TestMessage.TypeA, id: 0x3333), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x3333, TestMessage.Id(answer));
        Assert.Equal(new byte[] { 192, 0, 2, 80 }, answer[^4..]);
        var request = Assert.Single(upstream.Received);
        Assert.Equal(IPAddress.Loopback, request.RemoteEndPoint!.Address);

        // The connected socket never even saw the forgery: the kernel dropped it.
        Assert.Equal(0, server.Service.Forwarder.MismatchedReplies);
    }

    [Fact]
    public async Task Forgery_from_another_port_does_not_answer_a_query_whose_upstream_stays_silent()
    {
        using var spoofer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        spoofer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var upstream = TestUpstream.Start(request =>
        {
            spoofer.SendTo(TestMessage.Answer(request.Bytes, [TestMessage.A("203.0.113.67")]), request.RemoteEndPoint!);
            return UpstreamReply.Silent;
        });
        await using var server = await TestServer.StartAsync([upstream.EndPoint], options =>
        {
            options.Upstream.QueryTimeout = TimeSpan.FromMilliseconds(400);
            options.Upstream.AttemptTimeout = TimeSpan.FromMilliseconds(400);
            options.Upstream.MaxAttempts = 1;
        });

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("forged.test", TestMessage.TypeA, id: 0x4444), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.Equal(0, TestMessage.Count(answer, 1));
    }

    [Fact]
    public async Task Upstream_ids_are_random_and_source_ports_spread_over_the_socket_pool()
    {
        const int queries = 200;
        const int sockets = 8;
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], options =>
        {
            Patient(options);
            options.Upstream.SocketsPerUpstream = sockets;
        });

        var clientIds = new Dictionary<string, ushort>();
        for (var i = 0; i < queries; i++)
        {
            var name = $"q{i}.ids.test";
            var id = (ushort)(1000 + i);
            clientIds[name] = id;
            var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query(name, TestMessage.TypeA, id: id), Timeout);
            Assert.NotNull(answer);
            Assert.Equal(id, TestMessage.Id(answer));
        }

        var requests = upstream.Received.ToArray();
        Assert.Equal(queries, requests.Length);
        Assert.All(requests, request => Assert.Equal(UpstreamTransport.Udp, request.Transport));
        var ids = requests.Select(request => request.Id).ToArray();

        // 200 draws from 65,536 values: a collision or two at most, about 0.003 consecutive steps of one.
        Assert.InRange(ids.Distinct().Count(), queries - 5, queries);
        Assert.InRange(ids.Zip(ids.Skip(1)).Count(pair => (ushort)(pair.Second - pair.First) == 1), 0, 3);
        Assert.InRange(requests.Count(request => request.Id == clientIds[request.Name]), 0, 3);

        // Each socket is picked with chance 1/8: missing one in 200 picks has odds of about 2e-11.
        var ports = requests.Select(request => request.RemoteEndPoint!.Port).Distinct().ToArray();
        Assert.Equal(sockets, ports.Length);
        Assert.DoesNotContain(server.EndPoint.Port, ports);
    }

    /// <summary>One attempt per query however busy the machine: no retry can add requests or late replies.</summary>
    private static void Patient(Resolver.Server.Configuration.DnsServerOptions options)
    {
        options.Upstream.QueryTimeout = TimeSpan.FromSeconds(4);
        options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(4);
    }


}
