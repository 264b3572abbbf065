using System.Buffers;
using System.Buffers.Binary;

namespace Resolver.Server.Caching;

/// <summary>
/// One cached answer in a single pooled buffer: its key, the offsets of its TTL fields, then the answer as
/// the upstream sent it (TTLs already clamped). One buffer per entry keeps the garbage a growing cache
/// makes small, and entries and buffers are reused after eviction.
/// </summary>
internal sealed class CacheEntry
{
    /// <summary>Answers with more records than this are not cached: a hit patches every TTL.</summary>
    public const int MaxRecords = 64;

    /// <summary>Name (wire form, at most 255 bytes), type, class and the flags byte.</summary>
    public const int MaxKeyLength = 255 + 5;

    /// <summary>What an entry costs beyond its buffer: the object and its bookkeeping in the shard.</summary>
    private const int Overhead = 128;

    private byte[] _storage = [];

    public int KeyLength { get; private set; }

    public int TtlCount { get; private set; }

    public int Length { get; private set; }

    public ulong Hash { get; set; }

    /// <summary>Stopwatch timestamp of storing.</summary>
    public long StoredAt { get; set; }

    public long ExpiresAt { get; set; }

    public long StaleUntil { get; set; }

    /// <summary>The lifetime in seconds, for the prefetch window.</summary>
    public uint Lifetime { get; set; }

    /// <summary>The clock bit: set by a hit, cleared by the eviction hand passing over it.</summary>
    public bool Referenced { get; set; }

    public int Hits { get; set; }

    /// <summary>True when the answer holds CNAME/DNAME records whose targets the firewall must judge on every hit.</summary>
    public bool HasRedirection { get; set; }

    public bool PrefetchPending { get; set; }

    /// <summary>Position in its shard's clock ring.</summary>
    public int Slot { get; set; }

    public ReadOnlySpan<byte> Key => _storage.AsSpan(0, KeyLength);

    public Span<byte> Answer => _storage.AsSpan(KeyLength + (2 * TtlCount), Length);

    public long Size => KeyLength + (2 * TtlCount) + Length + Overhead;

    public static long SizeFor(int keyLength, int ttlCount, int answerLength) => keyLength + (2 * ttlCount) + answerLength + Overhead;

    public ushort TtlOffset(int index) => BinaryPrimitives.ReadUInt16LittleEndian(_storage.AsSpan(KeyLength + (2 * index)));

    public void Fill(ReadOnlySpan<byte> key, ReadOnlySpan<ushort> ttlOffsets, ReadOnlySpan<byte> answer)
    {
        var total = key.Length + (2 * ttlOffsets.Length) + answer.Length;
        if (_storage.Length < total)
        {
            if (_storage.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_storage);
            }

            _storage = ArrayPool<byte>.Shared.Rent(total);
        }

        key.CopyTo(_storage);
        for (var i = 0; i < ttlOffsets.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_storage.AsSpan(key.Length + (2 * i)), ttlOffsets[i]);
        }

        answer.CopyTo(_storage.AsSpan(key.Length + (2 * ttlOffsets.Length)));
        KeyLength = key.Length;
        TtlCount = ttlOffsets.Length;
        Length = answer.Length;
    }
}
