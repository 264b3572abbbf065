using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Resolver.Testing;

namespace Resolver.Server.Tests.Listeners;

public sealed class UdpDnsListenerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Size of one TXT record made by <see cref="TxtRecords"/>: pointer 2, fixed fields 10, RDATA 1 + 200.</summary>
    private const int TxtRecordSize = 213;

    [Fact]
    public async Task Query_with_two_questions_gets_formerr_with_the_client_id()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        var query = TestMessage.Query("two.test", TestMessage.TypeA, id: 0xABCD);
        query[5] = 2;

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0xABCD, TestMessage.Id(answer));
        Assert.True((TestMessage.Flags(answer) & 0x8000) != 0, "QR must be set");
        Assert.Equal(1, TestMessage.Rcode(answer));
        Assert.Empty(upstream.Received);
    }

    [Theory]
    [InlineData(18)]
    [InlineData(12)]
    public async Task Compressed_question_name_gets_formerr_with_the_client_id(byte pointerTarget)
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        // The question name is a pointer: forward to a valid name after the question, or to itself.
        byte[] query = [0xAB, 0xCE, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, pointerTarget, 0, 1, 0, 1, 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0];

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0xABCE, TestMessage.Id(answer));
        Assert.True((TestMessage.Flags(answer) & 0x8000) != 0, "QR must be set");
        Assert.Equal(1, TestMessage.Rcode(answer));
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Query_with_a_missing_additional_record_gets_formerr_that_keeps_the_question()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        var query = TestMessage.Query("Missing.Opt.Test", TestMessage.TypeAaaa, id: 0x0F0F);
        query[11] = 1;

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x0F0F, TestMessage.Id(answer));
        Assert.Equal(1, TestMessage.Rcode(answer));
        Assert.Equal(1, TestMessage.Count(answer, 0));
        Assert.Equal("Missing.Opt.Test", TestMessage.QuestionName(answer));
        Assert.Equal(TestMessage.TypeAaaa, TestMessage.QuestionType(answer));
        Assert.Empty(upstream.Received);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(11)]
    public async Task Packet_shorter_than_a_header_is_dropped_without_an_answer(int length)
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var first = await SendThenQueryAsync(server.EndPoint, TestMessage.Query("short.test", TestMessage.TypeA)[..length]);

        Assert.Equal(0x5151, TestMessage.Id(first));
        Assert.Equal(0, TestMessage.Rcode(first));
        Assert.True(server.Service.Pipeline.Counters.Dropped >= 1);
    }

    [Fact]
    public async Task Packet_with_qr_set_is_dropped_without_an_answer()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        var response = TestMessage.Query("reflected.test", TestMessage.TypeA, id: 0x2222, flags: 0x8180);

        var first = await SendThenQueryAsync(server.EndPoint, response);

        Assert.Equal(0x5151, TestMessage.Id(first));
        Assert.Equal(1, server.Service.Pipeline.Counters.Dropped);
        Assert.DoesNotContain(upstream.Received, r => r.Name == "reflected.test");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(15)]
    public async Task Non_query_opcode_gets_notimp(int opcode)
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        var query = TestMessage.Query("Opcode.Test", TestMessage.TypeA, id: 0x0DC0, flags: (ushort)((opcode << 11) | 0x0100));

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x0DC0, TestMessage.Id(answer));
        Assert.Equal(4, TestMessage.Rcode(answer));
        Assert.Equal(opcode, (TestMessage.Flags(answer) >> 11) & 0xF);
        Assert.True((TestMessage.Flags(answer) & 0x8000) != 0, "QR must be set");
        Assert.Equal("Opcode.Test", TestMessage.QuestionName(answer));
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Edns_version_1_gets_badvers_in_the_extended_rcode()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        var query = TestMessage.Query("edns1.test", TestMessage.TypeA, id: 0x0B0B, ednsPayload: 4096);
        query[TestMessage.QuestionEnd(query) + 6] = 1;

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, query, Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x0B0B, TestMessage.Id(answer));
        var opt = TestMessage.QuestionEnd(answer);
        Assert.Equal(1, TestMessage.Count(answer, 3));
        Assert.Equal(TestMessage.TypeOpt, BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(opt + 1)));
        var extendedRcode = (answer[opt + 5] << 4) | TestMessage.Rcode(answer);
        Assert.Equal(16, extendedRcode);
        Assert.Equal(0, answer[opt + 6]);
        Assert.Equal(1232, TestMessage.FindOpt(answer)!.Value.Payload);
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Answer_larger_than_512_to_a_client_without_edns_is_truncated_keeping_the_question()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, TxtRecords(4)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("Big.Example.TEST", TestMessage.TypeTxt, id: 0x7777), Timeout);

        Assert.True(upstream.Sent.TryPeek(out var full));
        Assert.True(full.Length > 512, $"the upstream answer has {full.Length} bytes");
        Assert.NotNull(answer);
        Assert.True(TestMessage.IsTruncated(answer));
        Assert.InRange(answer.Length, 12, 512);
        Assert.Equal(0x7777, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Rcode(answer));
        Assert.Equal(1, TestMessage.Count(answer, 0));
        Assert.Equal(0, TestMessage.Count(answer, 1));
        Assert.Equal("Big.Example.TEST", TestMessage.QuestionName(answer));
        Assert.Equal(TestMessage.TypeTxt, TestMessage.QuestionType(answer));
        Assert.Equal(1, server.Service.Pipeline.Counters.Truncated);
    }

    [Fact]
    public async Task Answer_that_fits_512_bytes_reaches_a_client_without_edns_whole()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, TxtRecords(2)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("fits.example.test", TestMessage.TypeTxt, id: 0x7778), Timeout);

        Assert.True(upstream.Sent.TryPeek(out var full));
        Assert.NotNull(answer);
        Assert.False(TestMessage.IsTruncated(answer));
        Assert.Equal(full[2..], answer[2..]);
        Assert.Equal(2, TestMessage.Count(answer, 1));
    }

    [Fact]
    public async Task Edns_client_advertising_4096_is_capped_at_1232_and_gets_tc_for_a_larger_answer()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Send(TestMessage.Answer(request.Bytes, TxtRecords(7), withOpt: true)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("large.example.test", TestMessage.TypeTxt, id: 0x4096, ednsPayload: 4096), Timeout);

        Assert.True(upstream.Sent.TryPeek(out var full));
        Assert.InRange(full.Length, 1233, 4096);
        Assert.NotNull(answer);
        Assert.True(TestMessage.IsTruncated(answer));
        Assert.InRange(answer.Length, 12, 1232);
        Assert.Equal(0x4096, TestMessage.Id(answer));
        Assert.Equal("large.example.test", TestMessage.QuestionName(answer));
        Assert.Equal(0, TestMessage.Count(answer, 1));
        Assert.NotNull(TestMessage.FindOpt(answer));
    }

    [Fact]
    public async Task Edns_client_gets_an_answer_up_to_1232_bytes_whole()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Send(TestMessage.Answer(request.Bytes, TxtRecords(5), withOpt: true)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("medium.example.test", TestMessage.TypeTxt, id: 0x1232, ednsPayload: 4096), Timeout);

        Assert.True(upstream.Sent.TryPeek(out var full));
        Assert.InRange(full.Length, 513, 1232);
        Assert.NotNull(answer);
        Assert.False(TestMessage.IsTruncated(answer));
        Assert.Equal(full[2..], answer[2..]);
        Assert.Equal(0, server.Service.Pipeline.Counters.Truncated);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public async Task A_fixed_port_is_served_by_several_reuseport_sockets_that_all_answer(int receiveBatchSize)
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o =>
        {
            o.Listen = [$"127.0.0.1:{port}"];
            o.Udp.ReceiveLoops = 3;
            o.Udp.ReceiveBatchSize = receiveBatchSize;
        });

        // Each client socket has its own source port, so the kernel spreads them over the group.
        for (var i = 0; i < 12; i++)
        {
            var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query($"spread{i}.example.test", TestMessage.TypeA, id: (ushort)(0x5000 + i)), Timeout);
            Assert.NotNull(answer);
            Assert.Equal(0x5000 + i, TestMessage.Id(answer));
        }

        Assert.Equal(port, server.EndPoint.Port);
    }

    [Fact]
    public async Task Raised_response_size_cap_lets_a_larger_answer_through_to_an_edns_client()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Send(TestMessage.Answer(request.Bytes, TxtRecords(7), withOpt: true)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.Udp.MaxResponseSize = 4096);

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("large.example.test", TestMessage.TypeTxt, ednsPayload: 4096), Timeout);

        Assert.True(upstream.Sent.TryPeek(out var full));
        Assert.True(full.Length > 1232);
        Assert.NotNull(answer);
        Assert.False(TestMessage.IsTruncated(answer));
        Assert.Equal(full.Length, answer.Length);
    }

    [Fact]
    public async Task Edns_client_advertising_less_than_the_cap_gets_tc_above_its_own_size()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Send(TestMessage.Answer(request.Bytes, TxtRecords(5), withOpt: true)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("medium.example.test", TestMessage.TypeTxt, ednsPayload: 1000), Timeout);

        Assert.True(upstream.Sent.TryPeek(out var full));
        Assert.InRange(full.Length, 1001, 1232);
        Assert.NotNull(answer);
        Assert.True(TestMessage.IsTruncated(answer));
        Assert.InRange(answer.Length, 12, 1000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public async Task Server_keeps_answering_after_2000_random_packets(int receiveBatchSize)
    {
        await using var upstream = TestUpstream.Start(Tolerant);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.Udp.ReceiveBatchSize = receiveBatchSize);
        var counters = server.Service.Pipeline.Counters;
        var random = new Random(20240611);
        var valid = TestMessage.Query("fuzz.example.test", TestMessage.TypeA, ednsPayload: 1232);

        using (var garbage = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            garbage.Connect(server.EndPoint);
            for (var i = 0; i < 2000; i++)
            {
                await garbage.SendAsync(RandomPacket(random, valid, i % 3), SocketFlags.None).WaitAsync(Timeout);
                if (i % 50 == 49)
                {
                    // Let the server catch up so the kernel does not drop packets from a full receive buffer.
                    var paced = Stopwatch.StartNew();
                    while (counters.UdpQueries < i + 1 - 50 && paced.Elapsed < TimeSpan.FromSeconds(1))
                    {
                        await Task.Delay(1);
                    }
                }
            }
        }

        // Every packet that reached the server was dropped, answered as malformed, answered from the cache
        // or by the firewall, or forwarded: none threw.
        var settled = Stopwatch.StartNew();
        long received;
        while (true)
        {
            received = counters.UdpQueries;
            await Task.Delay(100);
            if ((received == counters.UdpQueries && received == Handled(counters)) || settled.Elapsed > Timeout)
            {
                break;
            }
        }

        Assert.Equal(received, Handled(counters));
        Assert.True(received >= 1900, $"only {received} of 2000 packets reached the server");
        Assert.True(counters.Dropped > 0 && counters.Malformed > 0, "the random packets should include both dropped and malformed ones");

        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("alive.example.test", TestMessage.TypeA, id: 0xA11E), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0xA11E, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Rcode(answer));
        Assert.Equal(1, TestMessage.Count(answer, 1));
    }

    private static TestRecord[] TxtRecords(int count) =>
        [.. Enumerable.Range(0, count).Select(i => TestMessage.Txt(300, new string((char)('a' + i), TxtRecordSize - 13)))];

    /// <summary>Answers everything it can parse with an empty NOERROR; stays silent on what it cannot.</summary>
    private static UpstreamReply Tolerant(UpstreamRequest request)
    {
        try
        {
            return UpstreamReply.Answer(request, request.Type == TestMessage.TypeA ? [TestMessage.A("192.0.2.1")] : []);
        }
        catch (Exception exception) when (exception is IndexOutOfRangeException or ArgumentException)
        {
            return UpstreamReply.Silent;
        }
    }

    /// <summary>Pure noise, a plausible query header with a noisy body, or a valid query with a few bytes changed.</summary>
    private static byte[] RandomPacket(Random random, byte[] valid, int kind)
    {
        switch (kind)
        {
            case 0:
            {
                var packet = new byte[random.Next(0, 600)];
                random.NextBytes(packet);
                return packet;
            }

            case 1:
            {
                var packet = new byte[12 + random.Next(0, 300)];
                random.NextBytes(packet);
                packet[2] = (byte)(packet[2] & 0x01);
                packet[4] = 0;
                packet[5] = 1;
                packet[6] = 0;
                packet[8] = 0;
                packet[10] = 0;
                packet[7] = (byte)random.Next(0, 3);
                packet[9] = (byte)random.Next(0, 3);
                packet[11] = (byte)random.Next(0, 3);
                return packet;
            }

            default:
            {
                var packet = valid.ToArray();
                for (var flips = random.Next(1, 5); flips > 0; flips--)
                {
                    packet[random.Next(2, packet.Length)] = (byte)random.Next(256);
                }

                return random.Next(4) == 0 ? packet[..random.Next(0, packet.Length)] : packet;
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="packet"/> and then a valid query (ID 0x5151) from the same socket and returns
    /// the first datagram that comes back: the valid query's answer if the packet got none.
    /// </summary>
    private static async Task<byte[]> SendThenQueryAsync(IPEndPoint server, byte[] packet)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        await socket.SendAsync(packet, SocketFlags.None).WaitAsync(Timeout);
        await socket.SendAsync(TestMessage.Query("after.test", TestMessage.TypeA, id: 0x5151), SocketFlags.None).WaitAsync(Timeout);
        var buffer = new byte[65535];
        using var cancellation = new CancellationTokenSource(Timeout);
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation.Token);
        return buffer[..length];
    }

    private static long Handled(Resolver.Server.Pipeline.ServerCounters counters) =>
        counters.Dropped + counters.Malformed + counters.Forwarded + counters.CacheAnswers + counters.Blocked + counters.LocalAnswers + counters.FailClosed;
}
