using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Extensions.Options;
using Resolver.Dns.Wire;
using Resolver.Server.Configuration;

namespace Resolver.Server.Caching;

/// <summary>
/// Upstream answers kept as bytes with the offsets of their TTLs: a hit is a copy plus a few patched
/// fields (ID, TTLs aged, the client's name case), with no parsing and no allocation. Keyed by the
/// lower-case name, type, class and the client's EDNS, DO and CD bits; bounded in bytes with CLOCK eviction.
/// </summary>
public sealed class ResponseCache
{
    private const byte FlagEdns = 1;
    private const byte FlagDnssecOk = 2;
    private const byte FlagCheckingDisabled = 4;

    private readonly CacheShard[] _shards;
    private readonly ResponseCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly long _frequency;
    private readonly uint _minTtl;
    private readonly uint _maxTtl;
    private readonly uint _maxNegativeTtl;
    private readonly uint _staleAnswerTtl;
    private readonly long _maxStaleTicks;
    private long _hits;
    private long _misses;
    private long _inserts;

    public ResponseCache(IOptions<DnsServerOptions> options)
        : this(options, TimeProvider.System)
    {
    }

    public ResponseCache(IOptions<DnsServerOptions> options, TimeProvider time)
    {
        _time = time;
        _frequency = time.TimestampFrequency;
        _options = options.Value.Cache;
        _minTtl = Seconds(_options.MinTtl);
        _maxTtl = Math.Max(_minTtl, Seconds(_options.MaxTtl));
        _maxNegativeTtl = Math.Max(_minTtl, Seconds(_options.MaxNegativeTtl));
        _staleAnswerTtl = Seconds(_options.StaleAnswerTtl);
        _maxStaleTicks = (long)(_options.MaxStale.TotalSeconds * _frequency);

        // Enough shards that lookups on different cores rarely meet, few enough that each holds large answers.
        var shardCount = (int)Math.Clamp(_options.MaxBytes / (256 * 1024), 1, 64);
        shardCount = 1 << (31 - int.LeadingZeroCount(shardCount));
        _shards = new CacheShard[_options.MaxBytes > 0 ? shardCount : 0];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new CacheShard(_options.MaxBytes / _shards.Length);
        }
    }

    public bool Enabled => _shards.Length > 0;

    public ResponseCacheOptions Options => _options;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public long Inserts => Interlocked.Read(ref _inserts);

    public long Evictions
    {
        get
        {
            long total = 0;
            foreach (var shard in _shards)
            {
                lock (shard.Lock)
                {
                    total += shard.Evictions;
                }
            }

            return total;
        }
    }

    public long Bytes => Sum(static s => s.Bytes);

    public long Count => Sum(static s => s.Count);

    /// <summary>Writes the key of a query: its lower-case name, type, class and flags. Returns the length.</summary>
    internal static int WriteKey(ReadOnlySpan<byte> lowerName, in DnsQuery query, Span<byte> key)
    {
        lowerName.CopyTo(key);
        var position = lowerName.Length;
        BinaryPrimitives.WriteUInt16BigEndian(key[position..], (ushort)query.Type);
        BinaryPrimitives.WriteUInt16BigEndian(key[(position + 2)..], query.Class);
        var flags = (byte)((query.Edns.IsPresent ? FlagEdns : 0)
            | (query.Edns.DnssecOk ? FlagDnssecOk : 0)
            | (query.CheckingDisabled ? FlagCheckingDisabled : 0));
        key[position + 4] = flags;
        return position + 5;
    }

    /// <summary>
    /// Copies the cached answer for <paramref name="key"/> into <paramref name="destination"/> with its TTLs
    /// aged (or set to the stale-answer TTL when <paramref name="allowStale"/> finds only an expired entry).
    /// The caller restores the ID and the name case.
    /// </summary>
    internal CacheLookup TryServe(ReadOnlySpan<byte> key, Span<byte> destination, bool allowStale)
    {
        if (_shards.Length == 0)
        {
            return CacheLookup.Miss;
        }

        var hash = XxHash3.HashToUInt64(key);
        var shard = _shards[(int)(hash >> 58) & (_shards.Length - 1)];
        var now = _time.GetTimestamp();
        lock (shard.Lock)
        {
            var entry = shard.Find(hash, key);
            if (entry is null || entry.Length > destination.Length)
            {
                Interlocked.Increment(ref _misses);
                return CacheLookup.Miss;
            }

            var stale = now >= entry.ExpiresAt;
            if (stale && (!allowStale || !_options.ServeStale || now >= entry.StaleUntil))
            {
                if (now >= entry.StaleUntil)
                {
                    shard.Remove(entry);
                }

                Interlocked.Increment(ref _misses);
                return CacheLookup.Miss;
            }

            var answer = destination[..entry.Length];
            entry.Answer.CopyTo(answer);
            var age = (uint)((now - entry.StoredAt) / _frequency);
            for (var i = 0; i < entry.TtlCount; i++)
            {
                var field = answer[entry.TtlOffset(i)..];
                var ttl = BinaryPrimitives.ReadUInt32BigEndian(field);
                BinaryPrimitives.WriteUInt32BigEndian(field, stale ? _staleAnswerTtl : ttl > age ? ttl - age : 0);
            }

            entry.Referenced = true;
            entry.Hits++;
            var prefetch = false;
            if (_options.Prefetch && !stale && !entry.PrefetchPending && entry.Hits >= 2
                && (entry.ExpiresAt - now) * 10 < (long)entry.Lifetime * _frequency)
            {
                entry.PrefetchPending = true;
                prefetch = true;
            }

            Interlocked.Increment(ref _hits);
            return new CacheLookup(entry.Length, entry.HasRedirection, prefetch);
        }
    }

    /// <summary>
    /// Keeps an upstream answer: NOERROR with records, or a negative answer (NXDOMAIN, NODATA) with an SOA
    /// to time it (RFC 2308). Truncated answers, other rcodes and answers that may not be kept are ignored.
    /// </summary>
    internal void Store(ReadOnlySpan<byte> key, ReadOnlySpan<byte> answer)
    {
        if (_shards.Length == 0 || answer.Length < DnsHeader.Size)
        {
            return;
        }

        var flags = DnsHeader.GetFlags(answer);
        var rcode = DnsHeader.GetRcode(answer);
        if ((flags & DnsHeader.FlagTc) != 0 || (rcode != DnsResponseCode.NoError && rcode != DnsResponseCode.NxDomain) || DnsHeader.GetQuestionCount(answer) != 1)
        {
            return;
        }

        Span<ushort> offsets = stackalloc ushort[CacheEntry.MaxRecords];
        if (!TryReadTtls(answer, rcode, offsets, out var ttlCount, out var lifetime, out var negative, out var hasRedirection))
        {
            return;
        }

        var hash = XxHash3.HashToUInt64(key);
        var shard = _shards[(int)(hash >> 58) & (_shards.Length - 1)];
        var now = _time.GetTimestamp();
        lock (shard.Lock)
        {
            var entry = shard.Store(hash, key, offsets[..ttlCount], answer);
            if (entry is null)
            {
                return;
            }

            var stored = entry.Answer;
            var ceiling = negative ? lifetime : _maxTtl;
            for (var i = 0; i < ttlCount; i++)
            {
                var field = stored[offsets[i]..];
                var ttl = Math.Clamp(BinaryPrimitives.ReadUInt32BigEndian(field), _minTtl, Math.Max(_minTtl, ceiling));
                BinaryPrimitives.WriteUInt32BigEndian(field, ttl);
            }

            entry.HasRedirection = hasRedirection;
            entry.Lifetime = lifetime;
            entry.StoredAt = now;
            entry.ExpiresAt = now + (lifetime * _frequency);
            entry.StaleUntil = entry.ExpiresAt + _maxStaleTicks;
        }

        Interlocked.Increment(ref _inserts);
    }

    private bool TryReadTtls(ReadOnlySpan<byte> answer, DnsResponseCode rcode, Span<ushort> offsets, out int count, out uint lifetime, out bool negative, out bool hasRedirection)
    {
        count = 0;
        lifetime = 0;
        hasRedirection = false;
        var answers = DnsHeader.GetAnswerCount(answer);
        var authority = DnsHeader.GetAuthorityCount(answer);
        var total = answers + authority + DnsHeader.GetAdditionalCount(answer);
        negative = rcode == DnsResponseCode.NxDomain || answers == 0;
        var reader = new DnsRecordReader(answer, DnsHeader.Size);
        if (!reader.TryReadQuestion(out _, out _, out _))
        {
            return false;
        }

        var minTtl = uint.MaxValue;
        var soaLifetime = uint.MaxValue;
        for (var i = 0; i < total; i++)
        {
            if (!reader.TryRead(out var record))
            {
                return false;
            }

            if (record.Type == DnsRecordType.OPT)
            {
                continue;
            }

            if (count == offsets.Length)
            {
                return false;
            }

            offsets[count++] = (ushort)record.TtlOffset;
            minTtl = Math.Min(minTtl, record.Ttl);
            if (i < answers && record.Type is DnsRecordType.CNAME or DnsRecordType.DNAME)
            {
                hasRedirection = true;
            }

            if (i >= answers && i < answers + authority && record.Type == DnsRecordType.SOA && record.RDataLength >= 22)
            {
                var minimum = BinaryPrimitives.ReadUInt32BigEndian(answer[(record.End - 4)..]);
                soaLifetime = Math.Min(record.Ttl, minimum);
            }
        }

        if (negative)
        {
            // Without an SOA there is nothing to time a negative answer by: not cached (RFC 2308 5).
            if (soaLifetime == uint.MaxValue)
            {
                return false;
            }

            lifetime = Math.Clamp(soaLifetime, _minTtl, _maxNegativeTtl);
        }
        else
        {
            lifetime = Math.Clamp(minTtl, _minTtl, _maxTtl);
        }

        return lifetime > 0;
    }

    private long Sum(Func<CacheShard, long> read)
    {
        long total = 0;
        foreach (var shard in _shards)
        {
            lock (shard.Lock)
            {
                total += read(shard);
            }
        }

        return total;
    }

    private static uint Seconds(TimeSpan span) => (uint)Math.Clamp(span.TotalSeconds, 0, uint.MaxValue);
}
