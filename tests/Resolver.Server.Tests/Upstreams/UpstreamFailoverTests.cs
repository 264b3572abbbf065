using System.Diagnostics;
using Resolver.Server.Configuration;
using Resolver.Testing;

namespace Resolver.Server.Tests.Upstreams;

/// <summary>
/// Moving a query from upstream to upstream: attempt timeouts, ICMP port unreachable, the overall
/// budget, the health marks and their back-off, all through the real server and real loopback upstreams.
/// </summary>
public sealed class UpstreamFailoverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(300);

    /// <summary>Ample for a failover, so that a busy machine (slow sweeps) cannot turn one into a SERVFAIL.</summary>
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Some slack for timer granularity below a bound the server must not undercut.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task Silent_first_upstream_is_left_after_the_attempt_timeout_for_the_answer_of_the_second()
    {
        await using var silent = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var healthy = TestUpstream.Start(request => AnswerA(request, "192.0.2.2"));
        await using var server = await TestServer.StartAsync([silent.EndPoint, healthy.EndPoint], Short);

        var started = Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("failover.test", TestMessage.TypeA, id: 0x0101), Timeout);
        var elapsed = started.Elapsed;

        Assert.NotNull(answer);
        Assert.Equal(0x0101, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Rcode(answer));
        Assert.Equal(new byte[] { 192, 0, 2, 2 }, answer[^4..]);
        Assert.Single(silent.Received);
        Assert.Single(healthy.Received);
        Assert.InRange(elapsed, AttemptTimeout - Slack, AttemptTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(1, server.Service.Forwarder.Upstreams[0].Failures);
        Assert.Equal(0, server.Service.Pipeline.Counters.ServerFailures);
    }

    [Fact]
    public async Task Closed_port_upstream_does_not_keep_the_query_from_the_next_upstream()
    {
        var closed = TestUpstream.ClosedEndPoint();
        await using var healthy = TestUpstream.Start(request => AnswerA(request, "192.0.2.3"));
        await using var server = await TestServer.StartAsync([closed, healthy.EndPoint], Short);

        var started = Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("closed.test", TestMessage.TypeA, id: 0x0C1D), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(0x0C1D, TestMessage.Id(answer));
        Assert.Equal(0, TestMessage.Rcode(answer));
        Assert.Equal(new byte[] { 192, 0, 2, 3 }, answer[^4..]);
        Assert.InRange(started.Elapsed, TimeSpan.Zero, AttemptTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(1, server.Service.Forwarder.Upstreams[0].Queries);
        Assert.Single(healthy.Received);
    }

    [Fact]
    public async Task Closed_port_upstream_is_left_at_once_and_marked_down_for_later_queries()
    {
        var closed = TestUpstream.ClosedEndPoint();
        await using var healthy = TestUpstream.Start(request => AnswerA(request, "192.0.2.3"));
        await using var server = await TestServer.StartAsync([closed, healthy.EndPoint], options =>
        {
            options.Upstream.QueryTimeout = TimeSpan.FromSeconds(4);
            options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(3);
            options.Upstream.DownBackoff = TimeSpan.FromSeconds(30);
        });

        var started = Stopwatch.StartNew();
        var first = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("refused.test", TestMessage.TypeA, id: 1), Timeout);
        var elapsed = started.Elapsed;

        // ICMP port unreachable moves the query on at once, long before the 3 s attempt timeout.
        Assert.NotNull(first);
        Assert.Equal(0, TestMessage.Rcode(first));
        Assert.Equal(new byte[] { 192, 0, 2, 3 }, first[^4..]);
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1.5));
        var refused = server.Service.Forwarder.Upstreams[0];
        Assert.Equal(1, refused.Queries);
        Assert.False(refused.IsHealthy(Stopwatch.GetTimestamp()));

        for (ushort id = 2; id <= 6; id++)
        {
            var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query($"later{id}.test", TestMessage.TypeA, id: id), Timeout);
            Assert.NotNull(answer);
            Assert.Equal(id, TestMessage.Id(answer));
            Assert.Equal(0, TestMessage.Rcode(answer));
        }

        // The down upstream got nothing more: every later query went straight to the healthy one.
        Assert.Equal(1, refused.Queries);
        Assert.Equal(6, healthy.Received.Count);
        Assert.Equal(6, server.Service.Forwarder.Upstreams[1].Queries);
    }

    [Fact]
    public async Task All_upstreams_silent_get_servfail_once_the_attempts_are_spent_and_not_before()
    {
        await using var first = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var second = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var server = await TestServer.StartAsync([first.EndPoint, second.EndPoint], options =>
        {
            options.Upstream.QueryTimeout = TimeSpan.FromSeconds(2);
            options.Upstream.AttemptTimeout = AttemptTimeout;
            options.Upstream.MaxAttempts = 3;
        });

        var started = Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("dead.test", TestMessage.TypeA, id: 0x0DEA), Timeout);
        var elapsed = started.Elapsed;

        // Three attempts of 300 ms each (first, second, first again), then SERVFAIL: 900 ms, inside the 2 s budget.
        Assert.NotNull(answer);
        Assert.Equal(0x0DEA, TestMessage.Id(answer));
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.InRange(elapsed, (3 * AttemptTimeout) - Slack, TimeSpan.FromSeconds(3));
        Assert.Equal(2, first.Received.Count);
        Assert.Single(second.Received);
        Assert.Equal(1, server.Service.Pipeline.Counters.ServerFailures);
    }

    [Fact]
    public async Task All_upstreams_silent_get_servfail_at_the_query_timeout_when_attempts_remain()
    {
        await using var first = TestUpstream.Start(_ => UpstreamReply.Silent);
        await using var second = TestUpstream.Start(_ => UpstreamReply.Silent);
        var budget = TimeSpan.FromSeconds(1);
        await using var server = await TestServer.StartAsync([first.EndPoint, second.EndPoint], options =>
        {
            options.Upstream.QueryTimeout = budget;
            options.Upstream.AttemptTimeout = TimeSpan.FromMilliseconds(150);
            options.Upstream.MaxAttempts = 10;
        });

        var started = Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("budget.test", TestMessage.TypeA, id: 7), Timeout);
        var elapsed = started.Elapsed;

        Assert.NotNull(answer);
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.InRange(elapsed, budget - Slack, budget + TimeSpan.FromSeconds(1));

        // Attempts every 150 ms, seven in 1 s at best; fewer when a loaded machine runs the sweep late, but
        // the budget, not an attempt count, ended the query, and both upstreams were asked.
        Assert.InRange(first.Received.Count + second.Received.Count, 3, 7);
        Assert.NotEmpty(first.Received);
        Assert.NotEmpty(second.Received);
    }

    [Fact]
    public async Task All_upstreams_refusing_get_servfail_at_once()
    {
        var closedA = TestUpstream.ClosedEndPoint();
        var closedB = TestUpstream.ClosedEndPoint();
        await using var server = await TestServer.StartAsync([closedA, closedB], options =>
        {
            options.Upstream.QueryTimeout = TimeSpan.FromSeconds(4);
            options.Upstream.AttemptTimeout = TimeSpan.FromSeconds(3);
        });

        var started = Stopwatch.StartNew();
        var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("nobody.test", TestMessage.TypeA, id: 9), Timeout);
        var elapsed = started.Elapsed;

        Assert.NotNull(answer);
        Assert.Equal(9, TestMessage.Id(answer));
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1.5));
        var upstreams = server.Service.Forwarder.Upstreams;
        Assert.Equal(3, upstreams[0].Queries + upstreams[1].Queries);
        Assert.True(upstreams[0].Queries >= 1 && upstreams[1].Queries >= 1);
    }

    /// <summary>The rule in the source: any reply that matches the query is final, whatever its RCODE.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task Upstream_servfail_or_refused_is_passed_to_the_client_without_trying_the_next_upstream(byte rcode)
    {
        await using var failing = TestUpstream.Start(request => UpstreamReply.Answer(request, [], rcode));
        await using var healthy = TestUpstream.Start(request => AnswerA(request, "192.0.2.4"));
        await using var server = await TestServer.StartAsync([failing.EndPoint, healthy.EndPoint], Short);

        for (ushort id = 1; id <= 2; id++)
        {
            var answer = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("rcode.test", TestMessage.TypeA, id: id), Timeout);
            Assert.NotNull(answer);
            Assert.Equal(id, TestMessage.Id(answer));
            Assert.Equal(rcode, TestMessage.Rcode(answer));
            Assert.Equal(0, TestMessage.Count(answer, 1));
        }

        // Both queries went to the first upstream: its error answer neither moved the query on nor marked it down.
        Assert.Equal(2, failing.Received.Count);
        Assert.Empty(healthy.Received);
        Assert.Equal(0, server.Service.Forwarder.Upstreams[0].Failures);
        Assert.Equal(2, server.Service.Pipeline.Counters.UpstreamAnswers);
        Assert.Equal(0, server.Service.Pipeline.Counters.ServerFailures);
    }

    [Fact]
    public async Task Upstream_marked_down_is_avoided_for_the_back_off_then_tried_again()
    {
        var backoff = TimeSpan.FromSeconds(1.5);
        int[] answering = [0];
        await using var flaky = TestUpstream.Start(request => Volatile.Read(ref answering[0]) == 1 ? AnswerA(request, "192.0.2.5") : UpstreamReply.Silent);
        await using var healthy = TestUpstream.Start(request => AnswerA(request, "192.0.2.6"));
        await using var server = await TestServer.StartAsync([flaky.EndPoint, healthy.EndPoint], options =>
        {
            Short(options);
            options.Upstream.FailureThreshold = 1;
            options.Upstream.DownBackoff = backoff;
        });

        // One timeout marks the first upstream down (threshold 1); the second answers.
        var first = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("one.test", TestMessage.TypeA, id: 1), Timeout);
        Assert.NotNull(first);
        Assert.Equal(new byte[] { 192, 0, 2, 6 }, first[^4..]);
        Assert.Single(flaky.Received);

        // While it is down, queries go to the healthy one only, though the first would now answer.
        Volatile.Write(ref answering[0], 1);
        var second = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("two.test", TestMessage.TypeA, id: 2), Timeout);
        Assert.NotNull(second);
        Assert.Equal(new byte[] { 192, 0, 2, 6 }, second[^4..]);
        Assert.Single(flaky.Received);

        // After the back-off it is healthy again and, being first and idle, gets the next query.
        await Task.Delay(backoff + TimeSpan.FromMilliseconds(100));
        Assert.True(server.Service.Forwarder.Upstreams[0].IsHealthy(Stopwatch.GetTimestamp()));
        var third = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("three.test", TestMessage.TypeA, id: 3), Timeout);
        Assert.NotNull(third);
        Assert.Equal(new byte[] { 192, 0, 2, 5 }, third[^4..]);
        Assert.Equal(2, flaky.Received.Count);
        Assert.Equal(2, healthy.Received.Count);
    }

    [Fact]
    public async Task Failures_below_the_threshold_do_not_mark_an_upstream_down()
    {
        int[] answering = [0];
        await using var flaky = TestUpstream.Start(request => Volatile.Read(ref answering[0]) == 1 ? AnswerA(request, "192.0.2.7") : UpstreamReply.Silent);
        await using var healthy = TestUpstream.Start(request => AnswerA(request, "192.0.2.8"));
        await using var server = await TestServer.StartAsync([flaky.EndPoint, healthy.EndPoint], options =>
        {
            Short(options);
            options.Upstream.FailureThreshold = 3;
            options.Upstream.DownBackoff = TimeSpan.FromSeconds(30);
        });

        var first = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("one.test", TestMessage.TypeA, id: 1), Timeout);
        Assert.NotNull(first);
        Assert.Equal(new byte[] { 192, 0, 2, 8 }, first[^4..]);
        Assert.True(server.Service.Forwarder.Upstreams[0].IsHealthy(Stopwatch.GetTimestamp()));

        // One failure of three allowed: the first upstream is still preferred and now answers.
        Volatile.Write(ref answering[0], 1);
        var second = await RawDnsClient.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("two.test", TestMessage.TypeA, id: 2), Timeout);
        Assert.NotNull(second);
        Assert.Equal(new byte[] { 192, 0, 2, 7 }, second[^4..]);
        Assert.Equal(2, flaky.Received.Count);
        Assert.Single(healthy.Received);
    }

    private static void Short(DnsServerOptions options)
    {
        options.Upstream.QueryTimeout = QueryTimeout;
        options.Upstream.AttemptTimeout = AttemptTimeout;
    }

    private static UpstreamReply AnswerA(UpstreamRequest request, string address) =>
        UpstreamReply.Answer(request, [TestMessage.A(address)]);
}
