namespace Resolver.Server.Caching;

/// <summary>
/// One lock's worth of the cache: a map from key hash to entry and a CLOCK ring for eviction, which
/// keeps entries hit since the hand last passed and evicts the others.
/// </summary>
internal sealed class CacheShard
{
    private readonly Dictionary<ulong, CacheEntry> _map = [];
    private readonly List<CacheEntry> _ring = [];
    private readonly Stack<CacheEntry> _free = new();
    private readonly long _budget;
    private int _hand;

    public CacheShard(long budget)
    {
        _budget = budget;
    }

    public object Lock { get; } = new();

    public long Bytes { get; private set; }

    public int Count => _ring.Count;

    public long Evictions { get; private set; }

    /// <summary>The entry of <paramref name="key"/>, or null. Call under <see cref="Lock"/>.</summary>
    public CacheEntry? Find(ulong hash, ReadOnlySpan<byte> key)
    {
        return _map.TryGetValue(hash, out var entry) && key.SequenceEqual(entry.Key) ? entry : null;
    }

    /// <summary>
    /// Stores an answer under <paramref name="key"/>, replacing what the key had and evicting as needed;
    /// null when it is too large for the shard. Call under <see cref="Lock"/>.
    /// </summary>
    public CacheEntry? Store(ulong hash, ReadOnlySpan<byte> key, ReadOnlySpan<ushort> ttlOffsets, ReadOnlySpan<byte> answer)
    {
        var size = CacheEntry.SizeFor(key.Length, ttlOffsets.Length, answer.Length);
        if (size > _budget)
        {
            return null;
        }

        if (_map.TryGetValue(hash, out var existing))
        {
            // Same key: refresh in place. A hash collision with another key: the newcomer replaces it.
            Remove(existing);
        }

        MakeRoom(size);
        var entry = _free.Count > 0 ? _free.Pop() : new CacheEntry();
        entry.Fill(key, ttlOffsets, answer);
        entry.Hash = hash;
        entry.Referenced = false;
        entry.Hits = 0;
        entry.PrefetchPending = false;
        entry.Slot = _ring.Count;
        _ring.Add(entry);
        _map[hash] = entry;
        Bytes += entry.Size;
        return entry;
    }

    public void Remove(CacheEntry entry)
    {
        _map.Remove(entry.Hash);
        var last = _ring[^1];
        _ring[entry.Slot] = last;
        last.Slot = entry.Slot;
        _ring.RemoveAt(_ring.Count - 1);
        Bytes -= entry.Size;
        _free.Push(entry);
    }

    private void MakeRoom(long size)
    {
        // Each entry is passed at most twice: once to clear its bit, once to evict it.
        for (var steps = 2 * _ring.Count; Bytes + size > _budget && _ring.Count > 0 && steps >= 0; steps--)
        {
            _hand %= _ring.Count;
            var candidate = _ring[_hand];
            if (candidate.Referenced)
            {
                candidate.Referenced = false;
                _hand++;
                continue;
            }

            Remove(candidate);
            Evictions++;
        }
    }
}
