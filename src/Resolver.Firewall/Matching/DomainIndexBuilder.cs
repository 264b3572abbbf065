using Resolver.Firewall.Domains;

namespace Resolver.Firewall.Matching;

/// <summary>
/// Builds a <see cref="DomainIndex"/> from list entries. Names go into one <see cref="DomainTable"/> (no
/// object per name), so a million-entry list costs tens of megabytes, not hundreds.
/// </summary>
public sealed class DomainIndexBuilder
{
    private readonly Dictionary<long, int> _setTransitions = [];
    private readonly List<int[]> _listSets = [[]];
    private readonly Dictionary<long, int> _pairIds = [];
    private readonly List<int> _pairExactSets = [0];
    private readonly List<int> _pairWildcardSets = [0];
    private readonly DomainTable _table;
    private int[] _listCounts = new int[16];

    /// <summary>Starts an index sized for about <paramref name="expectedNames"/> names, so a large load does not regrow.</summary>
    public DomainIndexBuilder(int expectedNames = 256)
    {
        _table = new DomainTable(expectedNames);
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
        var entry = _table.FindOrAdd(wireName);
        var pair = _table.PairOf(entry);
        var exact = _pairExactSets[pair];
        var wildcardSet = _pairWildcardSets[pair];
        var before = wildcard ? wildcardSet : exact;
        var after = AddToSet(before, listIndex);
        if (after != before)
        {
            _table.SetPair(entry, wildcard ? PairId(exact, after) : PairId(after, wildcardSet));

            if (listIndex >= _listCounts.Length)
            {
                Array.Resize(ref _listCounts, Math.Max(listIndex + 1, _listCounts.Length * 2));
            }

            _listCounts[listIndex]++;
        }
    }

    public DomainIndex Build()
    {
        // The expected size counted every entry of every list (an AdBlock line is two): keep only the
        // room the distinct names need.
        _table.Trim();
        return new DomainIndex(_table, [.. _pairExactSets], [.. _pairWildcardSets], [.. _listSets], _listCounts);
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

    private int PairId(int exactSet, int wildcardSet)
    {
        var key = ((long)exactSet << 32) | (uint)wildcardSet;
        if (!_pairIds.TryGetValue(key, out var pair))
        {
            pair = _pairExactSets.Count;
            if (pair > DomainTable.MaxPairId)
            {
                throw new InvalidOperationException($"More than {DomainTable.MaxPairId} distinct combinations of domain lists share names.");
            }

            _pairExactSets.Add(exactSet);
            _pairWildcardSets.Add(wildcardSet);
            _pairIds[key] = pair;
        }

        return pair;
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
}
