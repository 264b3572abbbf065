using System.Net;
using Resolver.Server.Configuration;
using Resolver.Server.Pipeline;
using Resolver.Server.Tests.Caching;
using Resolver.Testing;

namespace Resolver.Server.Tests.Pipeline;

/// <summary>
/// The per-query path from receive buffer to response buffer (parse, firewall, cache hit, block synthesis)
/// allocates nothing. The forwarder here answers in memory: it only fills the cache before measuring.
/// </summary>
public sealed class PipelineAllocationTests
{
    [Fact]
    public void Ten_thousand_cache_hits_and_block_answers_allocate_zero_bytes()
    {
        var forwarder = new InMemoryForwarder();
        var pipeline = TestPipeline.BlockingAds(forwarder);
        var sink = new CountingSink();
        var client = new IPEndPoint(IPAddress.Loopback, 40000).Serialize();
        var cached = TestMessage.Query("www.Example.test", TestMessage.TypeA, id: 0x1111, ednsPayload: 1232);
        var blocked = TestMessage.Query("tracker.ads.example", TestMessage.TypeA, id: 0x2222, ednsPayload: 1232);
        var response = new byte[65535];

        Assert.Equal(QueryPipeline.Forwarded, pipeline.Handle(cached, response, DnsTransport.Udp, client, sink));
        Assert.Equal(1, sink.Answers);
        for (var warmup = 0; warmup < 100; warmup++)
        {
            Run(pipeline, cached, blocked, response, client, sink);
        }

        long answered = 0;
        var chunks = AllocationChunks.Measure(10, () =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                answered += Run(pipeline, cached, blocked, response, client, sink);
            }
        });

        Assert.True(AllocationChunks.NoneButAOneOff(chunks), AllocationChunks.Describe(chunks));
        Assert.Equal(20_000, answered);
        Assert.Equal(1, forwarder.Forwarded);
        Assert.Equal(10_100, pipeline.Counters.CacheAnswers);
        Assert.Equal(10_100, pipeline.Counters.Blocked);
    }

    [Fact]
    public void With_the_rate_limit_charging_the_client_and_refusing_past_its_budget_nothing_is_allocated()
    {
        var forwarder = new InMemoryForwarder();
        var time = new ManualTime();
        var pipeline = TestPipeline.BlockingAds(forwarder, o =>
        {
            o.RateLimit.QueriesPerSecond = 1000;
            o.RateLimit.Burst = 20_199;
            o.RateLimit.Action = RateLimitAction.Refuse;
        }, time);
        var sink = new CountingSink();
        var client = new IPEndPoint(IPAddress.Parse("192.0.2.77"), 40000).Serialize();
        var cached = TestMessage.Query("www.Example.test", TestMessage.TypeA, id: 0x1111, ednsPayload: 1232);
        var blocked = TestMessage.Query("tracker.ads.example", TestMessage.TypeA, id: 0x2222, ednsPayload: 1232);
        var response = new byte[65535];
        Assert.Equal(QueryPipeline.Forwarded, pipeline.Handle(cached, response, DnsTransport.Udp, client, sink));
        for (var warmup = 0; warmup < 99; warmup++)
        {
            Run(pipeline, cached, blocked, response, client, sink);
        }

        // 10,000 rounds within the budget, then 1,000 past it (answered REFUSED), on a clock that stands still.
        long answered = 0;
        var chunks = AllocationChunks.Measure(11, () =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                answered += Run(pipeline, cached, blocked, response, client, sink);
            }
        });

        Assert.True(AllocationChunks.NoneButAOneOff(chunks), AllocationChunks.Describe(chunks));
        Assert.Equal(20_000, answered);
        Assert.Equal(2_000, pipeline.Counters.RateLimited);
        Assert.Equal(5, response[3] & 0xF);
    }

    private static int Run(QueryPipeline pipeline, byte[] cached, byte[] blocked, byte[] response, SocketAddress client, IDnsResponseSink sink)
    {
        var answered = 0;
        var length = pipeline.Handle(cached, response, DnsTransport.Udp, client, sink);
        if (length > 0 && response[1] == 0x11 && (response[3] & 0xF) == 0)
        {
            answered++;
        }

        length = pipeline.Handle(blocked, response, DnsTransport.Udp, client, sink);
        if (length > 0 && response[1] == 0x22 && (response[3] & 0xF) == 3)
        {
            answered++;
        }

        return answered;
    }

    private sealed class CountingSink : IDnsResponseSink
    {
        public int Answers { get; private set; }

        public void SendResponse(QueryContext context, ReadOnlySpan<byte> response) => Answers++;
    }
}
