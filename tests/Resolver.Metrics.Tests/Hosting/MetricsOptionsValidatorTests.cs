using Resolver.Metrics.Hosting;

namespace Resolver.Metrics.Tests.Hosting;

public sealed class MetricsOptionsValidatorTests
{
    [Theory]
    [InlineData("127.0.0.1:9153", true)]
    [InlineData("[::1]:0", true)]
    [InlineData("off", true)]
    [InlineData("OFF", true)]
    [InlineData("", true)]
    [InlineData("localhost:9153", false)]
    [InlineData("127.0.0.1", false)]
    public void The_listen_address_is_an_address_and_port_or_off(string listen, bool valid)
    {
        var result = new MetricsOptionsValidator().Validate(null, new MetricsOptions { Listen = listen });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("--metrics-listen", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Latency_buckets_must_increase()
    {
        var options = new MetricsOptions();
        options.LatencyBuckets.Add(0.01);
        options.LatencyBuckets.Add(0.005);

        var result = new MetricsOptionsValidator().Validate(null, options);

        Assert.False(result.Succeeded);
        Assert.Contains("LatencyBuckets", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_is_corednss_port_on_loopback()
    {
        var options = new MetricsOptions();

        Assert.True(options.Enabled);
        Assert.Equal("127.0.0.1:9153", options.Listen);
    }
}
