using System.Net;
using System.Net.Sockets;
using Resolver.Server.Configuration;
using Resolver.Server.Limits;
using Resolver.Server.Tests.Caching;

namespace Resolver.Server.Tests.Limits;

/// <summary>The per-client token buckets, on a clock the test moves (1 tick = 1 ms).</summary>
public sealed class ClientRateLimiterTests
{
    private static readonly byte[] Client = Mapped("192.0.2.10");

    [Fact]
    public void A_quiet_client_may_send_its_burst_at_once_and_no_more()
    {
        var limiter = Limiter(new ManualTime(), qps: 10, burst: 5);

        Assert.Equal(5, Acquire(limiter, Client, 100));
    }

    [Fact]
    public void Tokens_come_back_at_the_configured_rate_up_to_the_burst()
    {
        var time = new ManualTime();
        var limiter = Limiter(time, qps: 10, burst: 5);
        Assert.Equal(5, Acquire(limiter, Client, 100));

        // 10 per second: one every 100 ms, none before.
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(limiter.TryAcquire(Client));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAcquire(Client));
        Assert.False(limiter.TryAcquire(Client));
        time.Advance(TimeSpan.FromMilliseconds(350));
        Assert.Equal(3, Acquire(limiter, Client, 100));

        // A long silence refills the bucket to the burst, not beyond.
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(5, Acquire(limiter, Client, 100));
    }

    [Fact]
    public void A_client_sending_as_fast_as_it_can_gets_the_burst_then_the_rate()
    {
        var time = new ManualTime();
        var limiter = Limiter(time, qps: 50, burst: 20);
        var allowed = 0;
        for (var step = 0; step < 1000; step++)
        {
            allowed += Acquire(limiter, Client, 10);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // 10 s at 50 per second, plus the initial burst.
        Assert.Equal(20 + 500 - 1, allowed);
    }

    [Fact]
    public void Ipv4_clients_each_have_their_own_budget_by_default()
    {
        var limiter = Limiter(new ManualTime(), qps: 10, burst: 3);
        var (first, second) = InDifferentBuckets(limiter, "192.0.2.1", i => $"192.0.2.{i}");

        Assert.Equal(3, Acquire(limiter, first, 10));
        Assert.Equal(3, Acquire(limiter, second, 10));
    }

    [Fact]
    public void Ipv6_clients_of_one_64_share_a_budget_by_default()
    {
        var limiter = Limiter(new ManualTime(), qps: 10, burst: 3);

        Assert.Equal(2, Acquire(limiter, Mapped("2001:db8:1:2::1"), 2));
        Assert.Equal(1, Acquire(limiter, Mapped("2001:db8:1:2:ffff::99"), 10));
        var (_, other64) = InDifferentBuckets(limiter, "2001:db8:1:2::1", i => $"2001:db8:1:{i + 3:x}::1");
        Assert.Equal(3, Acquire(limiter, other64, 10));
    }

    [Fact]
    public void Prefix_lengths_are_configurable()
    {
        var options = Options(qps: 10, burst: 3);
        options.IPv4PrefixLength = 24;
        options.IPv6PrefixLength = 128;
        var limiter = new ClientRateLimiter(options, new ManualTime());

        Assert.Equal(2, Acquire(limiter, Mapped("198.51.100.1"), 2));
        Assert.Equal(1, Acquire(limiter, Mapped("198.51.100.254"), 10));
        var (first, second) = InDifferentBuckets(limiter, "2001:db8::1", i => $"2001:db8::{i:x}");
        Assert.Equal(3, Acquire(limiter, first, 10));
        Assert.Equal(3, Acquire(limiter, second, 10));
    }

    [Fact]
    public void The_table_has_a_fixed_size_and_clients_that_hash_alike_share_a_bucket()
    {
        var options = Options(qps: 10, burst: 3);
        options.Buckets = 1000;
        var limiter = new ClientRateLimiter(options, new ManualTime());
        Assert.Equal(1024, limiter.BucketCount);

        // A hundred thousand clients fit in the same 1024 buckets: memory does not grow with clients.
        for (var i = 0; i < 100_000; i++)
        {
            limiter.TryAcquire(MappedV4(0x0A000000u + (uint)i));
        }

        Assert.Equal(1024, limiter.BucketCount);

        var fresh = new ClientRateLimiter(options, new ManualTime());
        var first = Mapped("203.0.113.1");
        var second = Enumerable.Range(2, 100_000).Select(i => MappedV4(0xCB007100u + (uint)i))
            .First(candidate => fresh.BucketOf(candidate) == fresh.BucketOf(first));
        Assert.Equal(2, Acquire(fresh, first, 2));
        Assert.Equal(1, Acquire(fresh, second, 10));
    }

    [Fact]
    public void Loopback_is_exempt_by_default_and_can_be_limited()
    {
        var exempt = Limiter(new ManualTime(), qps: 1, burst: 1);
        Assert.Equal(1000, Acquire(exempt, Mapped("127.0.0.1"), 1000));
        Assert.Equal(1000, Acquire(exempt, Mapped("127.3.2.1"), 1000));
        Assert.Equal(1000, Acquire(exempt, Mapped("::1"), 1000));

        var options = Options(qps: 1, burst: 1);
        options.ExemptLoopback = false;
        var limited = new ClientRateLimiter(options, new ManualTime());
        Assert.Equal(1, Acquire(limited, Mapped("127.0.0.1"), 1000));
    }

    [Fact]
    public void Exempt_networks_are_never_limited()
    {
        var options = Options(qps: 1, burst: 1);
        options.ExemptNetworks = ["10.0.0.0/8", "2001:db8:ff::/48", "198.51.100.7"];
        var limiter = new ClientRateLimiter(options, new ManualTime());

        Assert.Equal(100, Acquire(limiter, Mapped("10.200.0.1"), 100));
        Assert.Equal(100, Acquire(limiter, Mapped("2001:db8:ff:1::1"), 100));
        Assert.Equal(100, Acquire(limiter, Mapped("198.51.100.7"), 100));
        Assert.Equal(1, Acquire(limiter, Mapped("198.51.100.8"), 100));
        Assert.Equal(1, Acquire(limiter, Mapped("11.0.0.1"), 100));
    }

    [Fact]
    public void Zero_queries_per_second_turns_the_limit_off()
    {
        var limiter = Limiter(new ManualTime(), qps: 0, burst: 1);

        Assert.False(limiter.Enabled);
        Assert.Equal(10_000, Acquire(limiter, Client, 10_000));
    }

    [Fact]
    public void Concurrent_queries_of_one_client_never_take_more_than_the_burst()
    {
        var limiter = Limiter(new ManualTime(), qps: 1, burst: 5000);
        var allowed = 0;

        Parallel.For(0, 8, _ =>
        {
            var mine = 0;
            for (var i = 0; i < 20_000; i++)
            {
                mine += limiter.TryAcquire(Client) ? 1 : 0;
            }

            Interlocked.Add(ref allowed, mine);
        });

        Assert.Equal(5000, allowed);
    }

    [Fact]
    public void Taking_and_refusing_tokens_allocates_nothing()
    {
        var time = new ManualTime();
        var limiter = Limiter(time, qps: 500, burst: 10);
        var v6 = Mapped("2001:db8::5");

        // The same loop first unmeasured, so that tiered compilation has settled before counting.
        Churn(limiter, time, v6, 20_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var allowed = Churn(limiter, time, v6, 100_000);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // Half the queries fit the rate (one every 2 ms each): both paths were taken.
        Assert.InRange(allowed, 90_000, 110_000);
    }

    internal static byte[] Mapped(string address)
    {
        var parsed = IPAddress.Parse(address);
        return (parsed.AddressFamily == AddressFamily.InterNetwork ? parsed.MapToIPv6() : parsed).GetAddressBytes();
    }

    private static byte[] MappedV4(uint address)
    {
        var bytes = new byte[16];
        bytes[10] = 0xFF;
        bytes[11] = 0xFF;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), address);
        return bytes;
    }

    private static RateLimitOptions Options(int qps, int burst) => new() { QueriesPerSecond = qps, Burst = burst, ExemptLoopback = true };

    private static ClientRateLimiter Limiter(TimeProvider time, int qps, int burst) => new(Options(qps, burst), time);

    private static int Churn(ClientRateLimiter limiter, ManualTime time, byte[] v6, int rounds)
    {
        var allowed = 0;
        for (var i = 0; i < rounds; i++)
        {
            allowed += limiter.TryAcquire(Client) ? 1 : 0;
            allowed += limiter.TryAcquire(v6) ? 1 : 0;
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        return allowed;
    }

    private static int Acquire(ClientRateLimiter limiter, byte[] client, int attempts)
    {
        var allowed = 0;
        for (var i = 0; i < attempts; i++)
        {
            allowed += limiter.TryAcquire(client) ? 1 : 0;
        }

        return allowed;
    }

    /// <summary>Two clients of different groups that also landed in different buckets (the hash is seeded per process).</summary>
    private static (byte[] First, byte[] Second) InDifferentBuckets(ClientRateLimiter limiter, string first, Func<int, string> candidates)
    {
        var firstBytes = Mapped(first);
        var second = Enumerable.Range(2, 200).Select(i => Mapped(candidates(i))).First(c => limiter.BucketOf(c) != limiter.BucketOf(firstBytes));
        return (firstBytes, second);
    }
}
