using BenchmarkDotNet.Attributes;
using Resolver.Server.Configuration;
using Resolver.Server.Limits;

namespace Resolver.Benchmarks;

/// <summary>The per-query cost of the client rate limit: a charged client, a refused one, an exempt (loopback) one.</summary>
[MemoryDiagnoser]
public class RateLimiterBenchmarks
{
    private readonly byte[] _client = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 10];
    private readonly byte[] _flooder = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 66];
    private readonly byte[] _loopback = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1];
    private ClientRateLimiter _generous = null!;
    private ClientRateLimiter _strict = null!;

    [GlobalSetup]
    public void Setup()
    {
        _generous = new ClientRateLimiter(new RateLimitOptions { QueriesPerSecond = 1_000_000, Burst = 1_000_000 }, TimeProvider.System);
        _strict = new ClientRateLimiter(new RateLimitOptions { QueriesPerSecond = 1, Burst = 1 }, TimeProvider.System);
        _strict.TryAcquire(_flooder);
    }

    [Benchmark]
    public bool Allowed() => _generous.TryAcquire(_client);

    [Benchmark]
    public bool Refused() => _strict.TryAcquire(_flooder);

    [Benchmark]
    public bool ExemptLoopback() => _generous.TryAcquire(_loopback);
}
