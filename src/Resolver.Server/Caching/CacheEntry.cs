using System.Buffers;

namespace Resolver.Server.Caching;

/// <summary>
/// One cached answer: its bytes as the upstream sent them (TTLs already clamped), where its TTL fields
/// are, and its key. Entries and their buffers are reused after eviction, so caching allocates nothing
/// in the steady state.
/// </summary>
internal sealed class CacheEntry
{
    /// <summary>Answers with more records than this are not cached: a hit patches every TTL.</summary>
    public const int MaxRecords = 64;

    /// <summary>Name (wire form, at most 255 bytes), type, class and the flags byte.</summary>
    public const int MaxKeyLength = 255 + 5;

    public byte[] Key { get; } = new byte[MaxKeyLength];

    public int KeyLength { get; set; }

    public ulong Hash { get; set; }

    public byte[] Answer { get; private set; } = [];

    public int Length { get; private set; }

    public ushort[] TtlOffsets { get; } = new ushort[MaxRecords];

    public int TtlCount { get; set; }

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

    public long Size => Length + MaxKeyLength + 256;

    public void SetAnswer(ReadOnlySpan<byte> answer)
    {
        if (Answer.Length < answer.Length)
        {
            if (Answer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Answer);
            }

            Answer = ArrayPool<byte>.Shared.Rent(answer.Length);
        }

        answer.CopyTo(Answer);
        Length = answer.Length;
    }
}
