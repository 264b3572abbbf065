using Resolver.Firewall.Domains;

namespace Resolver.Firewall.Matching;

/// <summary>
/// Builds a <see cref="DomainIndex"/> from list entries. Names go into one byte blob and parallel
/// arrays (no object per name), so a million-entry list costs tens of megabytes, not hundreds.
/// </summary>
public sealed class DomainIndexBuilder
{
    private readonly Dictionary<long, int> _setTransitions = [];
    private readonly List<int[]> _listSets = [[]];
    private byte[] _names;
    private int _namesLength;
    private int[] _nameOffsets;
    private byte[] _nameLengths;
    private uint[] _hashes;
    private int[] _exactSets;
    private int[] _wildcardSets;
    private int[] _buckets;
    private int _count;
    private int[] _listCounts = new int[16];

    /// <summary>Starts an index sized for about <paramref name="expectedNames"/> names, so a large load does not regrow.</summary>
    public DomainIndexBuilder(int expectedNames = 256)
    {
        var capacity = Math.Max(expectedNames, 16);
        _names = new byte[capacity * 24];
        _nameOffsets = new int[capacity];
        _nameLengths = new byte[capacity];
        _hashes = new uint[capacity];
        _exactSets = new int[capacity];
        _wildcardSets = new int[capacity];
        _buckets = new int[(int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2))];
    }

    /// <summary>Adds an entry of the list numbered <paramref name="listIndex"/>; repeats are harmless.</summary>
    public void Add(DomainSpecification specification, int listIndex)
    {
        Span<byte> wire = stackalloc byte[256];
        var length = Encode(specification.Name, wire);
        Add(wire[..length], specification.IsWildcard, listIndex);
    }

    /// <summary>Adds every entry of a compactly loaded list without making strings.</summary>
    public void AddAll(DomainSet domains, int listIndex)
    {
        Span<byte> wire = stackalloc byte[256];
        for (var i = 0; i < domains.Count; i++)
        {
            var length = Encode(domains.NameBytes(i), wire);
            Add(wire[..length], domains.IsWildcard(i), listIndex);
        }
    }

    private void Add(ReadOnlySpan<byte> wireName, bool wildcard, int listIndex)
    {
        var entry = FindOrAdd(wireName);
        var sets = wildcard ? _wildcardSets : _exactSets;
        var before = sets[entry];
        sets[entry] = AddToSet(before, listIndex);
        if (sets[entry] != before)
        {
            if (listIndex >= _listCounts.Length)
            {
                Array.Resize(ref _listCounts, Math.Max(listIndex + 1, _listCounts.Length * 2));
            }

            _listCounts[listIndex]++;
        }
    }

    public DomainIndex Build()
    {
        // The expected size counted every entry of every list (an AdBlock line is two): size the table
        // for the distinct names actually seen, at most half full.
        var fitting = (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, _count * 2)));
        if (_buckets.Length > fitting)
        {
            Rehash(fitting);
        }

        var names = _names.AsSpan(0, _namesLength).ToArray();
        return new DomainIndex(
            names,
            _nameOffsets[.._count],
            _nameLengths[.._count],
            _hashes[.._count],
            _exactSets[.._count],
            _wildcardSets[.._count],
            _buckets,
            [.. _listSets],
            _count,
            _listCounts);
    }

    /// <summary>Writes a normalised name given as ASCII bytes in wire form.</summary>
    public static int Encode(ReadOnlySpan<byte> name, Span<byte> destination)
    {
        var position = 0;
        var labelStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i == name.Length || name[i] == (byte)'.')
            {
                var labelLength = i - labelStart;
                if (labelLength > 0)
                {
                    destination[position++] = (byte)labelLength;
                    name[labelStart..i].CopyTo(destination[position..]);
                    position += labelLength;
                }

                labelStart = i + 1;
            }
        }

        destination[position++] = 0;
        return position;
    }

    /// <summary>Writes a normalised name (lower case, no trailing dot, empty for the root) in wire form.</summary>
    public static int Encode(string name, Span<byte> destination)
    {
        var position = 0;
        var labelStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i == name.Length || name[i] == '.')
            {
                var labelLength = i - labelStart;
                if (labelLength > 0)
                {
                    destination[position++] = (byte)labelLength;
                    for (var j = labelStart; j < i; j++)
                    {
                        destination[position++] = (byte)name[j];
                    }
                }

                labelStart = i + 1;
            }
        }

        destination[position++] = 0;
        return position;
    }

    private int AddToSet(int setId, int listIndex)
    {
        var key = ((long)setId << 32) | (uint)listIndex;
        if (_setTransitions.TryGetValue(key, out var next))
        {
            return next;
        }

        var current = _listSets[setId];
        if (Array.IndexOf(current, listIndex) >= 0)
        {
            next = setId;
        }
        else
        {
            var extended = new int[current.Length + 1];
            current.CopyTo(extended, 0);
            extended[^1] = listIndex;
            Array.Sort(extended);
            next = _listSets.Count;
            _listSets.Add(extended);
        }

        _setTransitions[key] = next;
        return next;
    }

    private int FindOrAdd(ReadOnlySpan<byte> wireName)
    {
        var hash = DomainIndex.Hash(wireName);
        var mask = _buckets.Length - 1;
        var slot = (int)hash & mask;
        for (; ; slot = (slot + 1) & mask)
        {
            var existing = _buckets[slot] - 1;
            if (existing < 0)
            {
                break;
            }

            if (_hashes[existing] == hash
                && _nameLengths[existing] == wireName.Length
                && wireName.SequenceEqual(_names.AsSpan(_nameOffsets[existing], wireName.Length)))
            {
                return existing;
            }
        }

        var entry = _count++;
        EnsureEntryCapacity();
        if (_namesLength + wireName.Length > _names.Length)
        {
            Array.Resize(ref _names, Math.Max(_names.Length * 2, _namesLength + wireName.Length));
        }

        wireName.CopyTo(_names.AsSpan(_namesLength));
        _nameOffsets[entry] = _namesLength;
        _nameLengths[entry] = (byte)wireName.Length;
        _hashes[entry] = hash;
        _namesLength += wireName.Length;
        _buckets[slot] = entry + 1;

        // Keep the table at most half full so probe sequences stay short.
        if (_count * 2 > _buckets.Length)
        {
            Rehash(_buckets.Length * 2);
        }

        return entry;
    }

    private void EnsureEntryCapacity()
    {
        if (_count <= _nameOffsets.Length)
        {
            return;
        }

        var capacity = _nameOffsets.Length * 2;
        Array.Resize(ref _nameOffsets, capacity);
        Array.Resize(ref _nameLengths, capacity);
        Array.Resize(ref _hashes, capacity);
        Array.Resize(ref _exactSets, capacity);
        Array.Resize(ref _wildcardSets, capacity);
    }

    private void Rehash(int capacity)
    {
        var buckets = new int[capacity];
        var mask = capacity - 1;
        for (var entry = 0; entry < _count; entry++)
        {
            var slot = (int)_hashes[entry] & mask;
            while (buckets[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            buckets[slot] = entry + 1;
        }

        _buckets = buckets;
    }
}
