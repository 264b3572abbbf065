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
        return _map.TryGetValue(hash, out var entry) && key.SequenceEqual(entry.Key.AsSpan(0, entry.KeyLength)) ? entry : null;
    }

    /// <summary>An entry to fill for <paramref name="key"/>: the existing one, or a new one after making room. Call under <see cref="Lock"/>.</summary>
    public CacheEntry? Reserve(ulong hash, ReadOnlySpan<byte> key, int answerLength)
    {
        var size = answerLength + CacheEntry.MaxKeyLength + 256;
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
        key.CopyTo(entry.Key);
        entry.KeyLength = key.Length;
        entry.Hash = hash;
        entry.Referenced = false;
        entry.Hits = 0;
        entry.PrefetchPending = false;
        entry.Slot = _ring.Count;
        _ring.Add(entry);
        _map[hash] = entry;
        return entry;
    }

    /// <summary>Accounts for an entry whose answer was just set. Call under <see cref="Lock"/>.</summary>
    public void Commit(CacheEntry entry) => Bytes += entry.Size;

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
