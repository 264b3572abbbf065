namespace Resolver.Server.Caching;

/// <summary>The response cache (<c>Resolver:Cache</c>).</summary>
public sealed class ResponseCacheOptions
{
    /// <summary>Bytes of answers kept; 0 turns the cache off (<c>--cache-size</c>).</summary>
    public long MaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>TTLs below this are raised to it (and the answer kept that long).</summary>
    public TimeSpan MinTtl { get; set; } = TimeSpan.Zero;

    /// <summary>TTLs above this are lowered to it.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Upper bound for negative answers (NXDOMAIN, NODATA), which live min(SOA TTL, SOA MINIMUM) (RFC 2308).</summary>
    public TimeSpan MaxNegativeTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Answer from expired entries when every upstream fails (RFC 8767).</summary>
    public bool ServeStale { get; set; }

    /// <summary>How long past expiry an entry may still be served stale.</summary>
    public TimeSpan MaxStale { get; set; } = TimeSpan.FromDays(1);

    /// <summary>TTL given to stale answers (RFC 8767 recommends 30 s).</summary>
    public TimeSpan StaleAnswerTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Refresh popular entries in the background shortly before they expire.</summary>
    public bool Prefetch { get; set; } = true;
}
