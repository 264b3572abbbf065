using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolver.Server.Configuration;
using Resolver.Server.Hosting;
using Resolver.Testing;

namespace Resolver.Server.Tests.Hosting;

public sealed class DnsServerServiceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Bound_end_points_are_the_real_ports_serving_udp_and_tcp()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.Listen = ["127.0.0.1:0", "127.0.0.1:0"]);

        var bound = server.Service.BoundEndPoints;

        Assert.True(server.Service.IsListening);
        Assert.Equal(2, bound.Count);
        Assert.All(bound, endPoint => Assert.Equal(IPAddress.Loopback, endPoint.Address));
        Assert.All(bound, endPoint => Assert.NotEqual(0, endPoint.Port));
        Assert.NotEqual(bound[0].Port, bound[1].Port);
        foreach (var endPoint in bound)
        {
            var overUdp = await RawDnsClient.ExchangeUdpAsync(endPoint, TestMessage.Query("udp.test", TestMessage.TypeA, id: (ushort)endPoint.Port), Timeout);
            var overTcp = await TcpTestClient.ExchangeAsync(endPoint, TestMessage.Query("tcp.test", TestMessage.TypeA, id: (ushort)endPoint.Port), Timeout);
            Assert.NotNull(overUdp);
            Assert.Equal((ushort)endPoint.Port, TestMessage.Id(overUdp));
            Assert.NotNull(overTcp);
            Assert.Equal((ushort)endPoint.Port, TestMessage.Id(overTcp));
        }

        Assert.Equal(2, server.Service.Pipeline.Counters.UdpQueries);
        Assert.Equal(2, server.Service.Pipeline.Counters.TcpQueries);
    }

    [Fact]
    public async Task Bound_ports_are_held_for_udp_and_tcp()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.Throws<SocketException>(() => udp.Bind(server.EndPoint)).SocketErrorCode);
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.Throws<SocketException>(() => tcp.Bind(server.EndPoint)).SocketErrorCode);
    }

    [Fact]
    public async Task Start_fails_with_a_clear_message_when_the_port_is_taken()
    {
        await using var upstream = TestUpstream.Start();
        using var blocker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blocker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        blocker.Listen(1);
        var taken = (IPEndPoint)blocker.LocalEndPoint!;
        using var host = BuildHost(upstream.EndPoint, o => o.Listen = [taken.ToString()]);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync().WaitAsync(Timeout));

        Assert.Contains("Cannot listen", exception.Message, StringComparison.Ordinal);
        Assert.False(host.Services.GetRequiredService<DnsServerService>().IsListening);
        await host.StopAsync().WaitAsync(Timeout);
    }

    [Fact]
    public async Task Stopped_server_takes_no_new_queries()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        var endPoint = server.EndPoint;

        await server.StopAsync().WaitAsync(Timeout);

        Assert.False(server.Service.IsListening);
        Assert.Null(await TryExchangeUdpAsync(endPoint, TestMessage.Query("late.test", TestMessage.TypeA), TimeSpan.FromMilliseconds(500)));
        await Assert.ThrowsAnyAsync<SocketException>(() => TcpTestClient.ConnectAsync(endPoint, Timeout));
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Udp_query_in_flight_when_stop_begins_still_gets_its_answer()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, [TestMessage.A("192.0.2.1")], delay: TimeSpan.FromMilliseconds(500)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var answer = RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("drain.test", TestMessage.TypeA, id: 0xD0D0), Timeout);
        await WaitUntilAsync(() => !upstream.Received.IsEmpty);
        var elapsed = Stopwatch.StartNew();
        var stop = server.StopAsync();

        var received = await answer;
        await stop.WaitAsync(Timeout);

        Assert.NotNull(received);
        Assert.Equal(0xD0D0, TestMessage.Id(received));
        Assert.Equal(0, TestMessage.Rcode(received));
        Assert.Equal(1, TestMessage.Count(received, 1));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(3), $"stop took {elapsed.Elapsed}, more than the 3 s drain timeout");
    }

    [Fact]
    public async Task Tcp_query_in_flight_when_stop_begins_still_gets_its_answer()
    {
        await using var upstream = TestUpstream.Start(request => UpstreamReply.Answer(request, [TestMessage.A("192.0.2.1")], delay: TimeSpan.FromMilliseconds(500)));
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);

        await TcpTestClient.SendAsync(socket, RawDnsClient.Frame(TestMessage.Query("drain.test", TestMessage.TypeA, id: 0xD0D1)), Timeout);
        await WaitUntilAsync(() => !upstream.Received.IsEmpty);
        var stop = server.StopAsync();
        var received = await RawDnsClient.ReadFramedAsync(socket, Timeout);
        socket.Dispose();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(received);
        Assert.Equal(0xD0D1, TestMessage.Id(received));
        Assert.Equal(0, TestMessage.Rcode(received));
        Assert.Equal(1, TestMessage.Count(received, 1));
    }

    [Fact]
    public async Task Udp_query_still_pending_when_the_drain_timeout_passes_gets_servfail()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], SlowUpstreamShortDrain);

        var answer = RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("stuck.test", TestMessage.TypeA, id: 0x5F5F), Timeout);
        await WaitUntilAsync(() => !upstream.Received.IsEmpty);
        var elapsed = Stopwatch.StartNew();
        var stop = server.StopAsync();

        var received = await answer;
        await stop.WaitAsync(Timeout);

        // Well before the 10 s query timeout: the drain bound (300 ms) ended the wait.
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(2.5), $"stop took {elapsed.Elapsed}");
        Assert.NotNull(received);
        Assert.Equal(0x5F5F, TestMessage.Id(received));
        Assert.Equal(2, TestMessage.Rcode(received));
        Assert.Equal("stuck.test", TestMessage.QuestionName(received));
        Assert.Equal(1, server.Service.Pipeline.Counters.ServerFailures);
        Assert.Equal(0, server.Service.Pipeline.InFlight);
    }

    [Fact]
    public async Task Tcp_query_still_pending_when_the_drain_timeout_passes_gets_servfail()
    {
        await using var upstream = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([upstream.EndPoint], SlowUpstreamShortDrain);
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);

        await TcpTestClient.SendAsync(socket, RawDnsClient.Frame(TestMessage.Query("stuck.test", TestMessage.TypeA, id: 0x5F60)), Timeout);
        await WaitUntilAsync(() => !upstream.Received.IsEmpty);
        var elapsed = Stopwatch.StartNew();
        var stop = server.StopAsync();
        var received = await RawDnsClient.ReadFramedAsync(socket, Timeout);
        var answeredAfter = elapsed.Elapsed;
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(received);
        Assert.Equal(0x5F60, TestMessage.Id(received));
        Assert.Equal(2, TestMessage.Rcode(received));
        Assert.True(answeredAfter < TimeSpan.FromSeconds(2.5), $"SERVFAIL came after {answeredAfter}");
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(2.5), $"stop took {elapsed.Elapsed}");
    }

    [Fact]
    public async Task Idle_tcp_client_does_not_hold_up_the_stop()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint], o => o.ShutdownDrainTimeout = TimeSpan.FromMilliseconds(300));
        using var socket = await TcpTestClient.ConnectAsync(server.EndPoint, Timeout);
        Assert.NotNull(await TcpTestClient.ExchangeAsync(socket, TestMessage.Query("idle.test", TestMessage.TypeA), Timeout));
        var elapsed = Stopwatch.StartNew();

        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(2), $"stop took {elapsed.Elapsed}");
        Assert.True(await TcpTestClient.WaitForCloseAsync(socket, Timeout));
    }

    [Fact]
    public async Task Stop_without_traffic_completes_promptly_and_a_second_stop_is_harmless()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);
        var elapsed = Stopwatch.StartNew();

        await server.StopAsync().WaitAsync(Timeout);
        await server.StopAsync().WaitAsync(Timeout);

        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(3), $"stop took {elapsed.Elapsed}");
        Assert.Equal(0, server.Service.Pipeline.InFlight);
    }

    private static void SlowUpstreamShortDrain(DnsServerOptions options)
    {
        options.ShutdownDrainTimeout = TimeSpan.FromMilliseconds(300);
        options.Upstream.QueryTimeout = TimeSpan.FromSeconds(10);
        options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>Like <see cref="TestServer"/>, but not started, so a test can watch the start fail and still dispose the host.</summary>
    private static IHost BuildHost(IPEndPoint upstream, Action<DnsServerOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddDnsServer(builder.Configuration);
        builder.Services.Configure<DnsServerOptions>(options =>
        {
            options.Upstreams = [upstream.ToString()];
            options.Udp.ReceiveLoops = 1;
            options.Upstream.SocketsPerUpstream = 1;
            configure(options);
        });
        return builder.Build();
    }

    private static async Task<byte[]?> TryExchangeUdpAsync(IPEndPoint server, byte[] query, TimeSpan timeout)
    {
        try
        {
            return await RawDnsClient.ExchangeUdpAsync(server, query, timeout);
        }
        catch (SocketException)
        {
            // Port unreachable: nothing listens any more.
            return null;
        }
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
