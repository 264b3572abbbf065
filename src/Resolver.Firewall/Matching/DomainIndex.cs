namespace Resolver.Firewall.Matching;

/// <summary>
/// One hash index over the entries of every domain list, keyed by the lower-case wire form of the
/// name. A lookup probes the query name and each of its suffixes once, so its cost depends on the
/// number of labels, never on how many lists, entries or rules there are.
/// </summary>
public sealed class DomainIndex
{
    /// <summary>The largest number of list sets one lookup can report: a name has at most 127 labels, plus the root.</summary>
    public const int MaxMatchedSets = 129;

    private readonly DomainTable _table;
    private readonly int[] _exactSets;
    private readonly int[] _wildcardSets;
    private readonly int[][] _listSets;
    private readonly int[] _listCounts;

    internal DomainIndex(DomainTable table, int[] exactSets, int[] wildcardSets, int[][] listSets, int[] listCounts)
    {
        _table = table;
        _exactSets = exactSets;
        _wildcardSets = wildcardSets;
        _listSets = listSets;
        _listCounts = listCounts;
    }

    /// <summary>Distinct names indexed (a name listed exactly and as a wildcard counts once).</summary>
    public int Count => _table.Count;

    /// <summary>The entries of one list, decoded (for tooling: this scans the whole index).</summary>
    public IEnumerable<Domains.DomainSpecification> EntriesOf(int listIndex)
    {
        foreach (var entry in _table.Entries())
        {
            var pair = _table.PairOf(entry);
            var exact = Array.IndexOf(_listSets[_exactSets[pair]], listIndex) >= 0;
            var wildcard = Array.IndexOf(_listSets[_wildcardSets[pair]], listIndex) >= 0;
            if (exact || wildcard)
            {
                var name = ToText(_table.NameOf(entry));
                if (exact)
                {
                    yield return new Domains.DomainSpecification(name, false);
                }

                if (wildcard)
                {
                    yield return new Domains.DomainSpecification(name, true);
                }
            }
        }
    }

    /// <summary>How many entries one list has (exact and wildcard counted apart, repeats once).</summary>
    public int CountOf(int listIndex) => listIndex < _listCounts.Length ? _listCounts[listIndex] : 0;

    private static string ToText(ReadOnlySpan<byte> wire)
    {
        var text = new System.Text.StringBuilder(wire.Length);
        var position = 0;
        while (position < wire.Length)
        {
            if (text.Length > 0)
            {
                text.Append('.');
            }

            var length = wire[position];
            text.Append(System.Text.Encoding.ASCII.GetString(wire.Slice(position + 1, length)));
            position += length + 1;
        }

        return text.ToString();
    }

    /// <summary>The list indices (ascending) of a set id reported by <see cref="Match"/>.</summary>
    public ReadOnlySpan<int> ListsOf(int setId) => _listSets[setId];

    /// <summary>
    /// Writes the ids of the list sets that match <paramref name="lowerWireName"/> (lower-case, uncompressed
    /// wire form ending in the root label): the exact entries of the name itself, then the wildcard entries
    /// of each proper suffix up to the root (<c>*</c>). Returns how many were written.
    /// </summary>
    public int Match(ReadOnlySpan<byte> lowerWireName, Span<int> matchedSets)
    {
        var count = 0;
        var offset = 0;
        while (offset < lowerWireName.Length)
        {
            var entry = _table.Find(lowerWireName[offset..]);
            if (entry >= 0)
            {
                var pair = _table.PairOf(entry);
                var set = offset == 0 ? _exactSets[pair] : _wildcardSets[pair];
                if (set != 0 && count < matchedSets.Length)
                {
                    matchedSets[count++] = set;
                }
            }

            var labelLength = lowerWireName[offset];
            if (labelLength == 0)
            {
                break;
            }

            offset += labelLength + 1;
        }

        return count;
    }
}
