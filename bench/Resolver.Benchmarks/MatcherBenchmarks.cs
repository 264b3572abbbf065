using BenchmarkDotNet.Attributes;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Matching;

namespace Resolver.Benchmarks;

/// <summary>One evaluation against 100 rules over 100 lists, one of them with a million names.</summary>
[MemoryDiagnoser]
public class MatcherBenchmarks
{
    private CompiledFirewall _firewall = null!;
    private CompiledNetwork _network = null!;
    private byte[] _bulkHit = [];
    private byte[] _wildcardHit = [];
    private byte[] _miss = [];

    [GlobalSetup]
    public void Setup()
    {
        _firewall = MatcherScale.Build(MatcherScale.BulkListText());
        _network = _firewall.SelectNetwork(System.Net.IPAddress.Loopback.MapToIPv6().GetAddressBytes());
        _bulkHit = Wire("host123456.zone1456.example");
        _wildcardHit = Wire("a.b.s7.small51.example");
        _miss = Wire("www.some-unlisted-host.example.com");
    }

    [Benchmark]
    public FirewallVerdictKind ExactHitInMillionNameList() => _firewall.Evaluate(_network, _bulkHit, 1).Kind;

    [Benchmark]
    public FirewallVerdictKind WildcardHitInSmallList() => _firewall.Evaluate(_network, _wildcardHit, 1).Kind;

    [Benchmark]
    public FirewallVerdictKind Miss() => _firewall.Evaluate(_network, _miss, 1).Kind;

    private static byte[] Wire(string name)
    {
        var buffer = new byte[256];
        return buffer[..DomainIndexBuilder.Encode(name, buffer)];
    }
}
