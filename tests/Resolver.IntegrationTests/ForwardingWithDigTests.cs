using Resolver.Testing;

namespace Resolver.IntegrationTests;

public sealed class ForwardingWithDigTests
{
    [Fact]
    public async Task Dig_over_udp_gets_the_upstream_answer()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);

        var result = await Dig.QueryAsync(resolver.EndPoint, "www.example.test");

        Assert.Equal("NOERROR", result.Status);
        Assert.Contains("www.example.test. 300 IN A 192.0.2.1", result.Answers);
        Assert.Contains("ra", result.Flags);
    }
}
