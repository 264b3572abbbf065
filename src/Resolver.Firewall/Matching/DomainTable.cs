using System.IO.Hashing;

namespace Resolver.Firewall.Matching;

/// <summary>
/// The storage behind <see cref="DomainIndex"/>: every distinct name once, in one byte blob, and an
/// open-addressing table of 32-bit slots pointing into it. A million names cost about 34 bytes each
/// (name, a set-pair id, table slot) with no object per name, so the garbage collector never walks them.
/// </summary>
/// <remarks>
/// An entry in the blob is its name length (1 byte), the id of its pair of list sets (exact, wildcard:
/// 3 bytes, little-endian; few distinct pairs exist, so the pairs live in <see cref="DomainIndex"/>), then
/// the name in lower-case wire form without the root label. A slot holds the entry's offset plus one
/// (0 = empty) in its low bits and, in the bits the blob's size leaves free, a tag taken from the name's
/// hash, so most probes reject other names without touching the blob (a 30 MB blob leaves 7 bits: one
/// wasted blob read in 128 probes). Slots of 32 rather than 64 bits save 5.7 MB on a million names.
/// The table is sized by multiply-shift rather than to a power of two, which lets it stay about 70% full
/// instead of between 25% and 50%.
/// </remarks>
internal sealed class DomainTable
{
    public const int MaxPairId = (1 << 24) - 1;

    private const int HeaderLength = 4;
    private const int LoadPercent = 70;

    private byte[] _blob;
    private int _blobLength;
    private uint[] _slots;
    private int _offsetBits;
    private uint _offsetMask;

    public DomainTable(int expectedNames)
    {
        var capacity = Math.Max(expectedNames, 16);
        _blob = new byte[capacity * 30];
        SetOffsetBits(_blob.Length);
        _slots = new uint[SlotsFor(capacity)];
    }

    public int Count { get; private set; }

    public static uint Hash(ReadOnlySpan<byte> name) => (uint)XxHash3.HashToUInt64(name);

    /// <summary>The entry of <paramref name="wireName"/> (lower case, ending in the root label), or -1.</summary>
    public int Find(ReadOnlySpan<byte> wireName)
    {
        var name = wireName[..^1];
        var hash = Hash(name);
        var slots = _slots;
        var offsetBits = _offsetBits;
        var tag = hash << offsetBits;
        var tagMask = ~_offsetMask;
        for (var slot = Home(hash, slots.Length); ; slot = slot + 1 == slots.Length ? 0 : slot + 1)
        {
            var value = slots[slot];
            if (value == 0)
            {
                return -1;
            }

            if ((value & tagMask) == tag)
            {
                var entry = (int)(value & _offsetMask) - 1;
                if (_blob[entry] == name.Length && name.SequenceEqual(_blob.AsSpan(entry + HeaderLength, name.Length)))
                {
                    return entry;
                }
            }
        }
    }

    /// <summary>The entry of <paramref name="wireName"/>, added with no sets when it is new.</summary>
    public int FindOrAdd(ReadOnlySpan<byte> wireName)
    {
        var existing = Find(wireName);
        if (existing >= 0)
        {
            return existing;
        }

        var name = wireName[..^1];
        var needed = _blobLength + HeaderLength + name.Length;
        if (needed > _blob.Length)
        {
            Array.Resize(ref _blob, (int)Math.Min(Array.MaxLength, Math.Max((long)_blob.Length * 2, needed)));
            if (OffsetBitsFor(_blob.Length) != _offsetBits)
            {
                SetOffsetBits(_blob.Length);
                Rehash(_slots.Length);
            }
        }

        if ((long)(Count + 1) * 100 > (long)_slots.Length * LoadPercent)
        {
            Rehash(SlotsFor(Math.Max(Count + 1, Count * 2)));
        }

        var entry = _blobLength;
        _blob.AsSpan(entry, HeaderLength).Clear();
        _blob[entry] = (byte)name.Length;
        name.CopyTo(_blob.AsSpan(entry + HeaderLength));
        _blobLength = needed;
        Insert(_slots, Hash(name), entry);
        Count++;
        return entry;
    }

    public int PairOf(int entry) => _blob[entry + 1] | (_blob[entry + 2] << 8) | (_blob[entry + 3] << 16);

    public void SetPair(int entry, int pair)
    {
        _blob[entry + 1] = (byte)pair;
        _blob[entry + 2] = (byte)(pair >> 8);
        _blob[entry + 3] = (byte)(pair >> 16);
    }

    /// <summary>The stored name of an entry: wire form without the root label.</summary>
    public ReadOnlySpan<byte> NameOf(int entry) => _blob.AsSpan(entry + HeaderLength, _blob[entry]);

    /// <summary>Every entry, in the order added.</summary>
    public IEnumerable<int> Entries()
    {
        for (var entry = 0; entry < _blobLength; entry += HeaderLength + _blob[entry])
        {
            yield return entry;
        }
    }

    /// <summary>Drops the room kept for growth, once no more names come.</summary>
    public void Trim()
    {
        var resized = false;
        if (_blob.Length != _blobLength)
        {
            _blob = _blob.AsSpan(0, _blobLength).ToArray();
            resized = OffsetBitsFor(_blob.Length) != _offsetBits;
            SetOffsetBits(_blob.Length);
        }

        var fitting = SlotsFor(Count);
        if (_slots.Length > fitting || resized)
        {
            Rehash(Math.Min(_slots.Length, fitting));
        }
    }

    private static int SlotsFor(int names) => (int)Math.Min(Array.MaxLength, Math.Max(16, ((long)names * 100 / LoadPercent) + 1));

    private static int Home(uint hash, int slotCount) => (int)(((ulong)hash * (ulong)slotCount) >> 32);

    // Offsets plus one up to the blob's length must fit; a blob is at most Array.MaxLength bytes, so at
    // least one bit is always left for the tag.
    private static int OffsetBitsFor(int blobLength) => 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Max(blobLength, 1));

    private void SetOffsetBits(int blobLength)
    {
        _offsetBits = OffsetBitsFor(blobLength);
        _offsetMask = (1u << _offsetBits) - 1;
    }

    private void Insert(uint[] slots, uint hash, int entry)
    {
        var slot = Home(hash, slots.Length);
        while (slots[slot] != 0)
        {
            slot = slot + 1 == slots.Length ? 0 : slot + 1;
        }

        slots[slot] = (hash << _offsetBits) | (uint)(entry + 1);
    }

    // Slots keep only a few bits of each hash, so a rehash takes the names from the blob again.
    private void Rehash(int slotCount)
    {
        var slots = new uint[slotCount];
        for (var entry = 0; entry < _blobLength; entry += HeaderLength + _blob[entry])
        {
            Insert(slots, Hash(_blob.AsSpan(entry + HeaderLength, _blob[entry])), entry);
        }

        _slots = slots;
    }
}
