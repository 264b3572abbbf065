using System.Net;
using Resolver.Server.Configuration;
using Resolver.Server.Pipeline;
using Resolver.Server.Tests.Caching;
using Resolver.Testing;

namespace Resolver.Server.Tests.Pipeline;

/// <summary>The abuse limits where the pipeline applies them: the client's rate limit first, the in-flight cap before forwarding.</summary>
public sealed class PipelineLimitTests
{
    private const int Refused = 5;
    private const int ServFail = 2;

    private static readonly SocketAddress Client = new IPEndPoint(IPAddress.Parse("192.0.2.50"), 40000).Serialize();

    [Fact]
    public void Over_the_limit_a_udp_query_is_dropped_by_default_and_a_tcp_query_refused()
    {
        var pipeline = TestPipeline.BlockingAds(new InMemoryForwarder(), o => Limit(o, burst: 3), new ManualTime());
        var response = new byte[65535];
        var query = TestMessage.Query("tracker.ads.example", TestMessage.TypeA, id: 0x0A0A);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(pipeline.Handle(query, response, DnsTransport.Udp, Client, NullResponseSink.Instance) > 0);
        }

        Assert.Equal(0, pipeline.Handle(query, response, DnsTransport.Udp, Client, NullResponseSink.Instance));
        var length = pipeline.Handle(query, response, DnsTransport.Tcp, Client, NullResponseSink.Instance);
        Assert.Equal(TestMessage.QuestionEnd(query), length);
        Assert.Equal(Refused, TestMessage.Rcode(response));
        Assert.Equal(0x0A0A, TestMessage.Id(response));
        Assert.Equal(2, pipeline.Counters.RateLimited);
        Assert.Equal(3, pipeline.Counters.Blocked);
        Assert.Equal(0, pipeline.Counters.Dropped);
    }

    [Fact]
    public void Refuse_answers_refused_with_the_clients_id_question_and_edns_never_larger_than_the_query()
    {
        var pipeline = TestPipeline.BlockingAds(new InMemoryForwarder(), o =>
        {
            Limit(o, burst: 1);
            o.RateLimit.Action = RateLimitAction.Refuse;
        }, new ManualTime());
        var response = new byte[65535];
        var query = TestMessage.Query("Some.Name.test", TestMessage.TypeAaaa, id: 0xBEEF, ednsPayload: 4096, ednsOptions: [0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Equal(QueryPipeline.Forwarded, pipeline.Handle(query, response, DnsTransport.Udp, Client, NullResponseSink.Instance));

        var length = pipeline.Handle(query, response, DnsTransport.Udp, Client, NullResponseSink.Instance);

        var answer = response[..length];
        Assert.Equal(Refused, TestMessage.Rcode(answer));
        Assert.Equal(0xBEEF, TestMessage.Id(answer));
        Assert.Equal("Some.Name.test", TestMessage.QuestionName(answer));
        Assert.Equal(0, TestMessage.Count(answer, 1));
        Assert.NotNull(TestMessage.FindOpt(answer));
        Assert.True(answer.Length <= query.Length, $"{answer.Length} > {query.Length}");
        Assert.Equal(1, pipeline.Counters.RateLimited);
    }

    [Fact]
    public void Malformed_queries_are_charged_too()
    {
        var pipeline = TestPipeline.BlockingAds(new InMemoryForwarder(), o => Limit(o, burst: 2), new ManualTime());
        var response = new byte[65535];
        var malformed = TestMessage.Query("x.test", TestMessage.TypeA);
        malformed[5] = 2; // QDCOUNT 2 with one question: FORMERR

        Assert.True(pipeline.Handle(malformed, response, DnsTransport.Udp, Client, NullResponseSink.Instance) > 0);
        Assert.True(pipeline.Handle(malformed, response, DnsTransport.Udp, Client, NullResponseSink.Instance) > 0);
        Assert.Equal(0, pipeline.Handle(malformed, response, DnsTransport.Udp, Client, NullResponseSink.Instance));
        Assert.Equal(2, pipeline.Counters.Malformed);
        Assert.Equal(1, pipeline.Counters.RateLimited);
    }

    [Fact]
    public void The_budget_comes_back_with_time()
    {
        var time = new ManualTime();
        var pipeline = TestPipeline.BlockingAds(new InMemoryForwarder(), o => Limit(o, burst: 1, qps: 2), time);
        var response = new byte[65535];
        var query = TestMessage.Query("tracker.ads.example", TestMessage.TypeA);

        Assert.True(pipeline.Handle(query, response, DnsTransport.Udp, Client, NullResponseSink.Instance) > 0);
        Assert.Equal(0, pipeline.Handle(query, response, DnsTransport.Udp, Client, NullResponseSink.Instance));
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(pipeline.Handle(query, response, DnsTransport.Udp, Client, NullResponseSink.Instance) > 0);
    }

    [Fact]
    public void Past_the_in_flight_cap_a_query_gets_servfail_at_once_while_cache_and_blocks_still_answer()
    {
        var forwarder = new HoldingForwarder();
        var pipeline = TestPipeline.BlockingAds(forwarder, o => o.Upstream.MaxInFlight = 2, new ManualTime());
        var response = new byte[65535];
        var loopback = new IPEndPoint(IPAddress.Loopback, 40000).Serialize();
        Assert.Equal(QueryPipeline.Forwarded, pipeline.Handle(TestMessage.Query("cached.test", TestMessage.TypeA), response, DnsTransport.Udp, loopback, NullResponseSink.Instance));
        forwarder.AnswerAll();

        Assert.Equal(QueryPipeline.Forwarded, pipeline.Handle(TestMessage.Query("one.test", TestMessage.TypeA), response, DnsTransport.Udp, loopback, NullResponseSink.Instance));
        Assert.Equal(QueryPipeline.Forwarded, pipeline.Handle(TestMessage.Query("two.test", TestMessage.TypeA), response, DnsTransport.Tcp, loopback, NullResponseSink.Instance));
        var third = TestMessage.Query("three.test", TestMessage.TypeA, id: 0x3333, ednsPayload: 1232);
        var length = pipeline.Handle(third, response, DnsTransport.Udp, loopback, NullResponseSink.Instance);

        Assert.Equal(TestMessage.QuestionEnd(third) + 11, length);
        Assert.Equal(ServFail, TestMessage.Rcode(response));
        Assert.Equal(0x3333, TestMessage.Id(response));
        Assert.Equal(1, pipeline.Counters.Overloaded);
        Assert.Equal(2, pipeline.InFlight);
        Assert.Equal(0, TestMessage.Rcode(response.AsSpan(0, pipeline.Handle(TestMessage.Query("cached.test", TestMessage.TypeA), response, DnsTransport.Udp, loopback, NullResponseSink.Instance))));
        Assert.Equal(3, TestMessage.Rcode(response.AsSpan(0, pipeline.Handle(TestMessage.Query("x.ads.example", TestMessage.TypeA), response, DnsTransport.Udp, loopback, NullResponseSink.Instance))));

        forwarder.AnswerAll();
        Assert.Equal(0, pipeline.InFlight);
        Assert.Equal(QueryPipeline.Forwarded, pipeline.Handle(third, response, DnsTransport.Udp, loopback, NullResponseSink.Instance));
        Assert.Equal(1, pipeline.Counters.Overloaded);
    }

    private static void Limit(DnsServerOptions options, int burst, int qps = 1)
    {
        options.RateLimit.QueriesPerSecond = qps;
        options.RateLimit.Burst = burst;
    }
}
