using System.Buffers.Binary;
using Microsoft.Extensions.Options;
using Resolver.Dns.Wire;
using Resolver.Server.Caching;
using Resolver.Server.Configuration;
using Resolver.Testing;

namespace Resolver.Server.Tests.Caching;

public sealed class ResponseCacheTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public void A_hit_returns_the_answer_with_ttls_aged_by_the_time_in_the_cache()
    {
        var cache = NewCache();
        var (key, query) = Key("www.example.test");
        cache.Store(key, TestMessage.Answer(query, [TestMessage.A("192.0.2.1", ttl: 300), TestMessage.A("192.0.2.2", ttl: 120)]));

        _time.Advance(TimeSpan.FromSeconds(100));
        var served = Serve(cache, key);

        Assert.NotNull(served);
        Assert.Equal([200u, 20u], Ttls(served));
        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public void An_entry_expires_with_its_shortest_ttl()
    {
        var cache = NewCache();
        var (key, query) = Key("short.example.test");
        cache.Store(key, TestMessage.Answer(query, [TestMessage.A("192.0.2.1", ttl: 300), TestMessage.A("192.0.2.2", ttl: 30)]));

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(Serve(cache, key));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(Serve(cache, key));
    }

    [Fact]
    public void Ttls_are_clamped_to_the_minimum_and_maximum()
    {
        var cache = NewCache(o => { o.MinTtl = TimeSpan.FromSeconds(60); o.MaxTtl = TimeSpan.FromSeconds(600); });
        var (key, query) = Key("clamped.example.test");
        cache.Store(key, TestMessage.Answer(query, [TestMessage.A("192.0.2.1", ttl: 5), TestMessage.A("192.0.2.2", ttl: 86400)]));

        Assert.Equal([60u, 600u], Ttls(Serve(cache, key)!));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(Serve(cache, key));
    }

    [Fact]
    public void Negative_answers_live_for_the_soa_minimum_per_rfc_2308()
    {
        var cache = NewCache();
        var (key, query) = Key("missing.example.test");
        cache.Store(key, NegativeAnswer(query, rcode: 3, soaTtl: 900, soaMinimum: 60));

        var served = Serve(cache, key);
        Assert.NotNull(served);
        Assert.Equal(3, TestMessage.Rcode(served));
        Assert.Equal([60u], Ttls(served));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(Serve(cache, key));
    }

    [Fact]
    public void Negative_answers_are_capped_by_the_negative_maximum()
    {
        var cache = NewCache(o => o.MaxNegativeTtl = TimeSpan.FromSeconds(30));
        var (key, query) = Key("nodata.example.test");
        cache.Store(key, NegativeAnswer(query, rcode: 0, soaTtl: 3600, soaMinimum: 3600));

        Assert.Equal([30u], Ttls(Serve(cache, key)!));
    }

    [Fact]
    public void What_may_not_be_kept_is_not_kept()
    {
        var cache = NewCache();
        var (noSoaKey, noSoaQuery) = Key("nosoa.example.test");
        var (failKey, failQuery) = Key("fail.example.test");
        var (truncatedKey, truncatedQuery) = Key("big.example.test");
        var (zeroKey, zeroQuery) = Key("zero.example.test");

        cache.Store(noSoaKey, TestMessage.Answer(noSoaQuery, [], rcode: 3));
        cache.Store(failKey, TestMessage.Answer(failQuery, [], rcode: 2));
        cache.Store(truncatedKey, TestMessage.Answer(truncatedQuery, [TestMessage.A("192.0.2.1")], truncated: true));
        cache.Store(zeroKey, TestMessage.Answer(zeroQuery, [TestMessage.A("192.0.2.1", ttl: 0)]));

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Edns_and_dnssec_flags_are_part_of_the_key()
    {
        var cache = NewCache();
        var (plainKey, plainQuery) = Key("flags.example.test");
        var (doKey, _) = Key("flags.example.test", ednsPayload: 1232, dnssecOk: true);
        var (ednsKey, _) = Key("flags.example.test", ednsPayload: 1232);
        cache.Store(plainKey, TestMessage.Answer(plainQuery, [TestMessage.A("192.0.2.1")]));

        Assert.NotNull(Serve(cache, plainKey));
        Assert.Null(Serve(cache, doKey));
        Assert.Null(Serve(cache, ednsKey));
    }

    [Fact]
    public void The_byte_bound_holds_and_eviction_keeps_the_entry_in_use()
    {
        var cache = NewCache(o => o.MaxBytes = 256 * 1024);
        var (hotKey, hotQuery) = Key("hot.example.test");
        cache.Store(hotKey, TestMessage.Answer(hotQuery, [TestMessage.A("192.0.2.1")]));
        for (var i = 0; i < 5000; i++)
        {
            Assert.NotNull(Serve(cache, hotKey));
            var (key, query) = Key($"cold{i}.example.test");
            cache.Store(key, TestMessage.Answer(query, [TestMessage.Txt(300, new string('x', 200))]));
            Assert.True(cache.Bytes <= 256 * 1024, $"{cache.Bytes} bytes after {i} inserts");
        }

        Assert.True(cache.Evictions > 4000, $"evictions: {cache.Evictions}");
        Assert.NotNull(Serve(cache, hotKey));
        Assert.Null(Serve(cache, Key("cold0.example.test").Key));
    }

    [Fact]
    public void Expired_entries_are_served_stale_with_a_short_ttl_only_when_asked_and_enabled()
    {
        var enabled = NewCache(o => o.ServeStale = true);
        var disabled = NewCache();
        var (key, query) = Key("stale.example.test");
        var answer = TestMessage.Answer(query, [TestMessage.A("192.0.2.1", ttl: 60)]);
        enabled.Store(key, answer);
        disabled.Store(key, answer);

        _time.Advance(TimeSpan.FromSeconds(3600));

        Assert.Null(Serve(enabled, key));
        Assert.Equal([30u], Ttls(Serve(enabled, key, allowStale: true)!));
        Assert.Null(Serve(disabled, key, allowStale: true));
        _time.Advance(TimeSpan.FromDays(2));
        Assert.Null(Serve(enabled, key, allowStale: true));
    }

    [Fact]
    public void Popular_entries_ask_for_one_prefetch_in_the_last_tenth_of_their_life()
    {
        var cache = NewCache();
        var (key, query) = Key("popular.example.test");
        cache.Store(key, TestMessage.Answer(query, [TestMessage.A("192.0.2.1", ttl: 100)]));
        var buffer = new byte[4096];

        Assert.False(cache.TryServe(key, buffer, allowStale: false).ShouldPrefetch);
        Assert.False(cache.TryServe(key, buffer, allowStale: false).ShouldPrefetch);
        _time.Advance(TimeSpan.FromSeconds(95));
        Assert.True(cache.TryServe(key, buffer, allowStale: false).ShouldPrefetch);
        Assert.False(cache.TryServe(key, buffer, allowStale: false).ShouldPrefetch);
    }

    [Fact]
    public void Size_zero_turns_the_cache_off()
    {
        var cache = NewCache(o => o.MaxBytes = 0);
        var (key, query) = Key("off.example.test");
        cache.Store(key, TestMessage.Answer(query, [TestMessage.A("192.0.2.1")]));

        Assert.False(cache.Enabled);
        Assert.Null(Serve(cache, key));
    }

    private ResponseCache NewCache(Action<ResponseCacheOptions>? configure = null)
    {
        var options = new DnsServerOptions();
        configure?.Invoke(options.Cache);
        return new ResponseCache(Options.Create(options), _time);
    }

    private static (byte[] Key, byte[] Query) Key(string name, ushort ednsPayload = 0, bool dnssecOk = false)
    {
        var query = TestMessage.Query(name, TestMessage.TypeA, ednsPayload: ednsPayload, dnssecOk: dnssecOk);
        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(query, out var parsed));
        var lower = new byte[256];
        var nameLength = DnsName.CopyLowercase(query, DnsQuery.NameOffset, lower);
        var key = new byte[CacheEntry.MaxKeyLength];
        var length = ResponseCache.WriteKey(lower.AsSpan(0, nameLength), parsed, key);
        return (key[..length], query);
    }

    private static byte[]? Serve(ResponseCache cache, byte[] key, bool allowStale = false)
    {
        var buffer = new byte[65535];
        var hit = cache.TryServe(key, buffer, allowStale);
        return hit.Hit ? buffer[..hit.Length] : null;
    }

    /// <summary>The TTL of every record after the question, in order.</summary>
    private static uint[] Ttls(byte[] message)
    {
        var ttls = new List<uint>();
        var reader = new DnsRecordReader(message, DnsHeader.Size);
        Assert.True(reader.TryReadQuestion(out _, out _, out _));
        var total = TestMessage.Count(message, 1) + TestMessage.Count(message, 2) + TestMessage.Count(message, 3);
        for (var i = 0; i < total; i++)
        {
            Assert.True(reader.TryRead(out var record));
            ttls.Add(record.Ttl);
        }

        return [.. ttls];
    }

    /// <summary>NXDOMAIN or NODATA with an SOA in the authority section.</summary>
    private static byte[] NegativeAnswer(byte[] query, byte rcode, uint soaTtl, uint soaMinimum)
    {
        var answer = TestMessage.Answer(query, [], rcode: rcode).ToList();
        BinaryPrimitives.WriteUInt16BigEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(answer)[8..], 1);
        var mname = TestMessage.EncodeName("ns.example.test");
        var rname = TestMessage.EncodeName("hostmaster.example.test");
        var rdata = new List<byte>();
        rdata.AddRange(mname);
        rdata.AddRange(rname);
        foreach (var value in new uint[] { 2026112501, 3600, 600, 86400, soaMinimum })
        {
            rdata.AddRange([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
        }

        answer.AddRange(TestMessage.EncodeName("example.test"));
        answer.AddRange([0, 6, 0, 1, (byte)(soaTtl >> 24), (byte)(soaTtl >> 16), (byte)(soaTtl >> 8), (byte)soaTtl, (byte)(rdata.Count >> 8), (byte)rdata.Count]);
        answer.AddRange(rdata);
        return [.. answer];
    }
}
