using System.Numerics;
using Microsoft.Extensions.Options;
using Resolver.Server.Configuration;

namespace Resolver.Server.Limits;

/// <summary>
/// Per-client token buckets in a fixed table: bounded memory whatever the number of clients, nothing
/// allocated and no lock per query. Each bucket is one 64-bit word holding its theoretical arrival time
/// (GCRA, the token bucket written as a single timestamp): a query is allowed while that time is at most
/// <c>Burst</c> intervals ahead of now, and pushes it one interval further, with one compare-and-swap.
/// Clients whose prefixes hash to the same bucket share its budget.
/// </summary>
public sealed class ClientRateLimiter
{
    private readonly long[] _buckets;
    private readonly long _interval;
    private readonly long _window;
    private readonly TimeProvider _time;
    private readonly ClientPrefix _prefix;
    private readonly ClientNetworkList _exempt;
    private readonly bool _exemptLoopback;

    public ClientRateLimiter(IOptions<DnsServerOptions> options)
        : this(options.Value.RateLimit, TimeProvider.System)
    {
    }

    public ClientRateLimiter(RateLimitOptions options, TimeProvider time)
    {
        Enabled = options.QueriesPerSecond > 0;
        Action = options.Action;
        _time = time;
        _prefix = new ClientPrefix(options.IPv4PrefixLength, options.IPv6PrefixLength);
        _exempt = new ClientNetworkList(options.ExemptNetworks);
        _exemptLoopback = options.ExemptLoopback;

        // Timestamps tick at the clock's own frequency (1 ns with Stopwatch on Linux), so one interval is
        // exact enough at any valid rate; at least one tick so a rate above the frequency is still a limit.
        _interval = Enabled ? Math.Max(1, (long)Math.Round((double)time.TimestampFrequency / options.QueriesPerSecond)) : 0;
        _window = _interval * Math.Max(options.Burst, 1);
        _buckets = new long[Enabled ? (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(options.Buckets, 1)) : 1];
    }

    public bool Enabled { get; }

    public RateLimitAction Action { get; }

    /// <summary>Buckets in the table (a power of two).</summary>
    public int BucketCount => _buckets.Length;

    /// <summary>Takes one query from the client's budget; false when it has none left. Address as 16 bytes, IPv4 mapped.</summary>
    public bool TryAcquire(ReadOnlySpan<byte> mappedAddress)
    {
        if (!Enabled || IsExempt(mappedAddress))
        {
            return true;
        }

        ref var bucket = ref _buckets[_prefix.Slot(mappedAddress, _buckets.Length)];
        var now = _time.GetTimestamp();
        while (true)
        {
            // An idle bucket's time lies in the past: it starts from now, with the whole burst available.
            var arrival = Volatile.Read(ref bucket);
            var next = Math.Max(arrival, now) + _interval;
            if (next - now > _window)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref bucket, next, arrival) == arrival)
            {
                return true;
            }
        }
    }

    /// <summary>The bucket a client's queries are counted in (tests pick clients that share one, or not).</summary>
    internal int BucketOf(ReadOnlySpan<byte> mappedAddress) => _prefix.Slot(mappedAddress, _buckets.Length);

    private bool IsExempt(ReadOnlySpan<byte> mappedAddress) =>
        (_exemptLoopback && ClientNetworkList.Loopback.Contains(mappedAddress)) || (!_exempt.IsEmpty && _exempt.Contains(mappedAddress));
}
