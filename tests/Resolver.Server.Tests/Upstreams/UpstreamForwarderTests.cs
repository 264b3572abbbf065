using Resolver.Testing;

namespace Resolver.Server.Tests.Upstreams;

public sealed class UpstreamForwarderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Answer_is_forwarded_byte_for_byte_with_the_client_id_restored()
    {
        await using var upstream = TestUpstream.Start();
        await using var server = await TestServer.StartAsync([upstream.EndPoint]);

        var query = TestMessage.Query("Www.Example.TEST", TestMessage.TypeA, id: 0xBEEF);
        var answer = await DnsClientSocket.ExchangeUdpAsync(server.EndPoint, query, Timeout);

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
        var answer = await DnsClientSocket.ExchangeUdpAsync(server.EndPoint, TestMessage.Query("slow.test", TestMessage.TypeA), Timeout);

        Assert.NotNull(answer);
        Assert.Equal(2, TestMessage.Rcode(answer));
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.5));
    }
}
