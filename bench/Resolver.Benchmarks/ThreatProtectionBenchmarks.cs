using BenchmarkDotNet.Attributes;
using Resolver.Firewall.Matching;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Benchmarks;

/// <summary>One <see cref="ThreatDetector.Score"/> call per protection for a typical name, with the real Public Suffix List.</summary>
[MemoryDiagnoser]
public class ThreatProtectionBenchmarks
{
    private ThreatDetector _detector = null!;
    private byte[] _typical = [];
    private byte[] _dictionaryLike = [];
    private byte[] _tunnel = [];

    [GlobalSetup]
    public void Setup()
    {
        _detector = new ThreatDetector(PublicSuffixList.LoadDefault());
        _typical = Wire("www.some-host.example.co.uk");
        _dictionaryLike = Wire("www.kitchenriverstation.com");
        _tunnel = Wire("mfzwizltoq2dkmbqgiydambqga3tgnrvgq2dkmbq.t.tunnel-example.com");
    }

    [Benchmark]
    public ThreatConfidence Dga() => _detector.Score(DnsThreatProtection.Dga, _typical, 1);

    [Benchmark]
    public ThreatConfidence DictionaryDga() => _detector.Score(DnsThreatProtection.DictionaryDga, _dictionaryLike, 1);

    [Benchmark]
    public ThreatConfidence DnsTunneling() => _detector.Score(DnsThreatProtection.DnsTunneling, _tunnel, 16);

    private static byte[] Wire(string name)
    {
        var buffer = new byte[256];
        return buffer[..DomainIndexBuilder.Encode(name, buffer)];
    }
}
