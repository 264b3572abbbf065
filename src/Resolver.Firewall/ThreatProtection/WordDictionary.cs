namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// The English word list as an open-addressing table of every word and every prefix of a word, keyed by
/// the letters packed 5 bits each into a 64-bit integer (so words of up to 12 letters). Walking a label
/// letter by letter extends the key with a shift and finds all words that start at a position without
/// hashing or comparing strings, and stops at the first letter no word continues with.
/// </summary>
internal sealed class WordDictionary
{
    public const int MaxWordLength = 12;

    /// <summary>The key is a prefix of a word but not a word.</summary>
    public const int PrefixOnly = 0;

    /// <summary>The key is neither a word nor a prefix of one.</summary>
    public const int Absent = -1;

    private readonly ulong[] _keys;
    private readonly ushort[] _ranks;
    private readonly float[] _lnRanks;
    private readonly int _shift;

    private WordDictionary(ulong[] keys, ushort[] ranks, int shift, int wordCount)
    {
        _keys = keys;
        _ranks = ranks;
        _shift = shift;

        // ln(rank + 1) by rank + 1, so the segmentation's cost of a word is a table read, not a logarithm.
        _lnRanks = new float[wordCount + 2];
        for (var i = 1; i < _lnRanks.Length; i++)
        {
            _lnRanks[i] = MathF.Log(i + 1);
        }
    }

    public int WordCount { get; private init; }

    public static WordDictionary Build(IReadOnlyList<string> wordsByFrequency)
    {
        var entries = new Dictionary<ulong, ushort>();
        var words = 0;
        for (var rank = 0; rank < wordsByFrequency.Count && rank < ushort.MaxValue - 1; rank++)
        {
            var word = wordsByFrequency[rank];
            if (word.Length > MaxWordLength || !word.All(char.IsAsciiLetterLower))
            {
                continue;
            }

            var key = 0UL;
            for (var i = 0; i < word.Length; i++)
            {
                key = Extend(key, (byte)word[i]);
                if (i == word.Length - 1)
                {
                    // The list is most frequent first: keep a word's first (best) rank.
                    if (entries.GetValueOrDefault(key) == PrefixOnly)
                    {
                        entries[key] = (ushort)(rank + 1);
                        words++;
                    }
                }
                else
                {
                    entries.TryAdd(key, PrefixOnly);
                }
            }
        }

        var bits = 4;
        while ((1 << bits) < entries.Count * 2)
        {
            bits++;
        }

        var keys = new ulong[1 << bits];
        var ranks = new ushort[1 << bits];
        var shift = 64 - bits;
        foreach (var (key, value) in entries)
        {
            var slot = Home(key, shift);
            while (keys[slot] != 0)
            {
                slot = (slot + 1) & (keys.Length - 1);
            }

            keys[slot] = key;
            ranks[slot] = value;
        }

        return new WordDictionary(keys, ranks, shift, wordsByFrequency.Count) { WordCount = words };
    }

    /// <summary>ln(rank + 2) of a word, given what <see cref="Find"/> returned for it (rank + 1).</summary>
    public float LnRank(int found) => _lnRanks[found];

    /// <summary>The key of a prefix followed by the lower-case letter <paramref name="letter"/>.</summary>
    public static ulong Extend(ulong key, byte letter) => (key << 5) | (uint)(letter - 'a' + 1);

    /// <summary>The word's frequency rank plus one, <see cref="PrefixOnly"/> or <see cref="Absent"/>.</summary>
    public int Find(ulong key)
    {
        var keys = _keys;
        var mask = keys.Length - 1;
        for (var slot = Home(key, _shift); ; slot = (slot + 1) & mask)
        {
            var found = keys[slot];
            if (found == key)
            {
                return _ranks[slot];
            }

            if (found == 0)
            {
                return Absent;
            }
        }
    }

    private static int Home(ulong key, int shift) => (int)((key * 0x9E3779B97F4A7C15UL) >> shift);
}
