using Prometheus;

namespace Resolver.Metrics.Tests.Collection;

/// <summary>The one metric fed from the query path (upstream latency) must not allocate per observation.</summary>
public sealed class LatencyObserverAllocationTests
{
    [Fact]
    public void Observing_upstream_latency_through_the_delegate_allocates_nothing()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var histogram = Prometheus.Metrics.WithCustomRegistry(registry).CreateHistogram(
            "test_latency_seconds", "test", new HistogramConfiguration { LabelNames = ["upstream"], Buckets = [0.001, 0.01, 0.1, 1] });
        Action<double> observe = histogram.WithLabels("127.0.0.1:53").Observe;
        for (var i = 0; i < 1000; i++)
        {
            observe(i / 10_000.0);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            observe(i % 1000 / 10_000.0);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101_000, histogram.WithLabels("127.0.0.1:53").Count);
    }
}
