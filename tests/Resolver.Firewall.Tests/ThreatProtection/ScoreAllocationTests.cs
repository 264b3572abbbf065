using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Tests.ThreatProtection;

public sealed class ScoreAllocationTests
{
    [Fact]
    public void Score_allocates_nothing_for_any_protection()
    {
        var detector = new ThreatDetector(ThreatTestData.Suffixes);
        var names = new[]
        {
            ThreatTestData.Wire("www.example.co.uk"),
            ThreatTestData.Wire("xjwqkzvbtrplmn.com"),
            ThreatTestData.Wire("gardenwinter.net"),
            ThreatTestData.Wire("mfzwizltoq2dkmbqgiydambqga3tgnrv.t.tunnel-example.com"),
            ThreatTestData.Wire("d111111abcdef8.cloudfront.net"),
        };
        var total = 0;
        // Enough rounds for tiered compilation to settle before measuring.
        for (var warmup = 0; warmup < 2000; warmup++)
        {
            total += ScoreAll(detector, names);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            total += ScoreAll(detector, names);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }

    private static int ScoreAll(ThreatDetector detector, byte[][] names)
    {
        var total = 0;
        foreach (var name in names)
        {
            total += (int)detector.Score(DnsThreatProtection.Dga, name, 1);
            total += (int)detector.Score(DnsThreatProtection.DictionaryDga, name, 1);
            total += (int)detector.Score(DnsThreatProtection.DnsTunneling, name, 16);
        }

        return total;
    }
}
