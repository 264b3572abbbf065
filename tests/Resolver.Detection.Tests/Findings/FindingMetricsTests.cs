using Resolver.Detection.Findings;

namespace Resolver.Detection.Tests.Findings;

public sealed class FindingMetricsTests
{
    [Fact]
    public void New_findings_count_as_raised_and_updates_add_only_their_new_occurrences()
    {
        var metrics = new FindingMetrics();
        var written = new Dictionary<string, long>(StringComparer.Ordinal);
        var first = Finding("a", FindingTypes.DgaDomainRequest, count: 1);
        var other = Finding("b", FindingTypes.DgaDomainRequest, count: 3);

        metrics.Count([first, other], written);
        written["a"] = 1;
        written["b"] = 3;
        metrics.Count([first with { Service = first.Service with { Count = 5 } }], written);

        var (raised, occurrences) = metrics.Snapshot()[FindingTypes.DgaDomainRequest];
        Assert.Equal(2, raised);
        Assert.Equal(8, occurrences);
        Assert.False(metrics.Snapshot().ContainsKey(FindingTypes.BitcoinTool));
    }

    private static Finding Finding(string id, string type, long count) =>
        new() { Id = id, Type = type, Service = new FindingService { Count = count } };
}
