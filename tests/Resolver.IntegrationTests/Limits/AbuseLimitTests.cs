using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Resolver.Testing;

namespace Resolver.IntegrationTests.Limits;

/// <summary>
/// The abuse limits through the real resolver on loopback: the per-client rate limit (with loopback's
/// exemption turned off, clients on 127.0.0.2 and 127.0.0.3), the cap on queries in flight upstream, and the
/// per-client TCP connection cap.
/// </summary>
public sealed class AbuseLimitTests
{
    private const int NoError = 0;
    private const int ServFail = 2;
    private const int Refused = 5;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Queries_past_a_clients_burst_are_refused_and_counted_while_another_client_is_answered()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint], tcpOnly: false, new Dictionary<string, string>
        {
            ["RateLimit:ExemptLoopback"] = "false",
            ["RateLimit:QueriesPerSecond"] = "1",
            ["RateLimit:Burst"] = "20",
            ["RateLimit:Action"] = "Refuse",
        });
        using var client = BoundUdpClient("127.0.0.2", resolver.EndPoint);

        var rcodes = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            rcodes.Add(TestMessage.Rcode(await ExchangeAsync(client, TestMessage.Query($"q{i}.limit.test", TestMessage.TypeA, id: (ushort)i))));
        }

        // The burst is answered; of the rest, at most a token or two that came back at 1 per second.
        var refused = rcodes.Count(rcode => rcode == Refused);
        Assert.All(rcodes[..20], rcode => Assert.Equal(NoError, rcode));
        Assert.InRange(refused, 8, 10);
        Assert.Equal(30 - refused, rcodes.Count(rcode => rcode == NoError));
        Assert.Equal(refused, resolver.Server.Pipeline.Counters.RateLimited);
        Assert.Equal(30 - refused, upstream.Received.Count);

        using var other = BoundUdpClient("127.0.0.3", resolver.EndPoint);
        Assert.Equal(NoError, TestMessage.Rcode(await ExchangeAsync(other, TestMessage.Query("other.limit.test", TestMessage.TypeA))));
    }

    [Fact]
    public async Task A_client_under_the_default_budget_is_never_limited()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint], tcpOnly: false, new Dictionary<string, string>
        {
            ["RateLimit:ExemptLoopback"] = "false",
        });
        using var client = BoundUdpClient("127.0.0.2", resolver.EndPoint);

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(NoError, TestMessage.Rcode(await ExchangeAsync(client, TestMessage.Query($"n{i % 50}.under.test", TestMessage.TypeA, id: (ushort)i))));
        }

        Assert.Equal(0, resolver.Server.Pipeline.Counters.RateLimited);
    }

    [Fact]
    public async Task By_default_the_excess_is_dropped_over_udp_and_refused_over_tcp()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint], tcpOnly: false, new Dictionary<string, string>
        {
            ["RateLimit:ExemptLoopback"] = "false",
            ["RateLimit:QueriesPerSecond"] = "1",
            ["RateLimit:Burst"] = "2",
        });
        using var client = BoundUdpClient("127.0.0.1", resolver.EndPoint);
        Assert.Equal(NoError, TestMessage.Rcode(await ExchangeAsync(client, TestMessage.Query("a.drop.test", TestMessage.TypeA))));
        Assert.Equal(NoError, TestMessage.Rcode(await ExchangeAsync(client, TestMessage.Query("b.drop.test", TestMessage.TypeA))));

        await client.SendAsync(TestMessage.Query("c.drop.test", TestMessage.TypeA), SocketFlags.None);
        Assert.Null(await RawDnsClient.ReceiveUdpAsync(client, TimeSpan.FromMilliseconds(300)));
        using var tcp = await RawDnsClient.ConnectTcpAsync(resolver.EndPoint, Timeout);
        await tcp.SendAsync(RawDnsClient.Frame(TestMessage.Query("d.drop.test", TestMessage.TypeA, id: 0x0D0D)), SocketFlags.None);
        var tcpAnswer = await RawDnsClient.ReadFramedAsync(tcp, Timeout);

        Assert.NotNull(tcpAnswer);
        Assert.Equal(0x0D0D, TestMessage.Id(tcpAnswer));
        Assert.Equal(Refused, TestMessage.Rcode(tcpAnswer));
        Assert.Equal(2, resolver.Server.Pipeline.Counters.RateLimited);
    }

    [Fact]
    public async Task Past_the_in_flight_cap_a_query_gets_servfail_at_once()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint], tcpOnly: false, new Dictionary<string, string>
        {
            ["Upstream:MaxInFlight"] = "2",
            ["Upstream:QueryTimeout"] = "00:00:05",
            ["Upstream:AttemptTimeout"] = "00:00:05",
            ["ShutdownDrainTimeout"] = "00:00:00.200",
        });
        using var first = RawDnsClient.Connect(resolver.EndPoint);
        using var second = RawDnsClient.Connect(resolver.EndPoint);
        await first.SendAsync(TestMessage.Query("one.hang.test", TestMessage.TypeA), SocketFlags.None);
        await second.SendAsync(TestMessage.Query("two.hang.test", TestMessage.TypeA), SocketFlags.None);
        Assert.True(await Eventually.TrueAsync(() => resolver.Server.Pipeline.InFlight == 2, Timeout));

        var started = Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(resolver.EndPoint, TestMessage.Query("three.hang.test", TestMessage.TypeA, id: 0x0303), Timeout);

        Assert.NotNull(answer);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"answered after {started.Elapsed}");
        Assert.Equal(0x0303, TestMessage.Id(answer));
        Assert.Equal(ServFail, TestMessage.Rcode(answer));
        Assert.Equal(1, resolver.Server.Pipeline.Counters.Overloaded);
        Assert.Equal(2, resolver.Server.Pipeline.InFlight);
    }

    [Fact]
    public async Task A_clients_tcp_connection_past_its_cap_is_closed_and_a_closed_one_frees_a_place()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint], tcpOnly: false, new Dictionary<string, string>
        {
            ["Tcp:MaxConnectionsPerClient"] = "3",
        });
        var open = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var socket = await RawDnsClient.ConnectTcpAsync(resolver.EndPoint, Timeout);
                open.Add(socket);
                Assert.Equal(NoError, TestMessage.Rcode(await TcpExchangeAsync(socket, TestMessage.Query($"c{i}.tcp.test", TestMessage.TypeA))));
            }

            using (var extra = await RawDnsClient.ConnectTcpAsync(resolver.EndPoint, Timeout))
            {
                Assert.True(await RawDnsClient.WaitForCloseAsync(extra, TimeSpan.FromSeconds(3)), "the fourth connection is still open");
            }

            Assert.Equal(1, resolver.Server.Pipeline.Counters.TcpClientConnectionsRefused);
            foreach (var socket in open)
            {
                Assert.Equal(NoError, TestMessage.Rcode(await TcpExchangeAsync(socket, TestMessage.Query("again.tcp.test", TestMessage.TypeA))));
            }

            open[0].Dispose();
            open.RemoveAt(0);

            // The server sees the close asynchronously; the place is free once it has.
            Assert.True(await Eventually.TrueAsync(() => resolver.Server.TcpClients.OpenConnections == 2, Timeout));
            var replacement = await RawDnsClient.ConnectTcpAsync(resolver.EndPoint, Timeout);
            open.Add(replacement);
            Assert.Equal(NoError, TestMessage.Rcode(await TcpExchangeAsync(replacement, TestMessage.Query("new.tcp.test", TestMessage.TypeA))));
            Assert.Equal(1, resolver.Server.Pipeline.Counters.TcpClientConnectionsRefused);
        }
        finally
        {
            open.ForEach(socket => socket.Dispose());
        }
    }

    /// <summary>A UDP socket on a chosen loopback address (all of 127.0.0.0/8 is local on Linux), connected to the resolver.</summary>
    private static Socket BoundUdpClient(string address, IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        socket.Connect(server);
        return socket;
    }

    private static async Task<byte[]> ExchangeAsync(Socket socket, byte[] query)
    {
        await socket.SendAsync(query, SocketFlags.None);
        var answer = await RawDnsClient.ReceiveUdpAsync(socket, Timeout);
        Assert.NotNull(answer);
        return answer;
    }

    private static async Task<byte[]> TcpExchangeAsync(Socket socket, byte[] query)
    {
        await socket.SendAsync(RawDnsClient.Frame(query), SocketFlags.None);
        var answer = await RawDnsClient.ReadFramedAsync(socket, Timeout);
        Assert.NotNull(answer);
        return answer;
    }
}
