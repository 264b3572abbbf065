namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// DICTIONARY_DGA: names glued from a few dictionary words (suppobox, matsnu, gozi). The registrable label
/// is segmented into English words by dynamic programming over <see cref="WordDictionary"/>; a label that
/// splits cleanly into 2 to 4 words of four or more letters and is long enough to be a random pick scores
/// high, unless it is a known real name.
/// </summary>
/// <remarks>
/// Real brands are often compounds too (facebook, stackoverflow, weatherchannel): nothing lexical tells
/// "fellowfinger" from "weatherchannel", so the allowlist of known labels does the separating and unknown
/// real compounds of 10+ letters score medium or high (docs/threat-protection.md measures how many).
/// </remarks>
internal sealed class DictionaryDgaScorer
{
    public static readonly ConfidenceThresholds Thresholds = new(Low: 0.4, Medium: 0.6, High: 0.8);

    private const int MaxLabel = 63;

    // The cost of a letter no word covers, against ln(rank + 2) + WordCost for a word: three unknown
    // letters cost more than any word in the list, so rare words still beat leaving letters uncovered.
    private const float UnknownLetterCost = 8f;
    private const float WordCost = 1.5f;

    private readonly ThreatModel _model;

    public DictionaryDgaScorer(ThreatModel model) => _model = model;

    public double Score(ReadOnlySpan<byte> label, bool privateSuffix)
    {
        var n = label.Length;
        // Under a private-section suffix (github.io pages, herokuapp.com apps) people name their own
        // subdomains with word pairs: nothing there is registered, so nothing is scored.
        if (n < 6 || n > MaxLabel || privateSuffix || _model.IsBenignLabel(label))
        {
            return 0;
        }

        foreach (var c in label)
        {
            if (c is < (byte)'a' or > (byte)'z')
            {
                // Dictionary DGAs use letters only; digits and hyphens are the plain DGA's business.
                return 0;
            }
        }

        Span<float> best = stackalloc float[MaxLabel + 1];
        Span<sbyte> step = stackalloc sbyte[MaxLabel + 1];
        Span<ushort> rankAt = stackalloc ushort[MaxLabel + 1];
        best.Fill(float.MaxValue);
        best[0] = 0;
        var words = _model.Words;
        for (var i = 0; i < n; i++)
        {
            var start = best[i];
            if (start == float.MaxValue)
            {
                continue;
            }

            if (start + UnknownLetterCost < best[i + 1])
            {
                best[i + 1] = start + UnknownLetterCost;
                step[i + 1] = -1;
            }

            var key = 0UL;
            for (var j = i; j < n && j - i < WordDictionary.MaxWordLength; j++)
            {
                key = WordDictionary.Extend(key, label[j]);
                var found = words.Find(key);
                if (found == WordDictionary.Absent)
                {
                    break;
                }

                if (found > 0)
                {
                    var cost = start + WordCost + words.LnRank(found);
                    if (cost < best[j + 1])
                    {
                        best[j + 1] = cost;
                        step[j + 1] = (sbyte)(j + 1 - i);
                        rankAt[j + 1] = (ushort)found;
                    }
                }
            }
        }

        int wordCount = 0, shortWords = 0, unknown = 0;
        var lnRanks = 0.0;
        for (var end = n; end > 0;)
        {
            var length = (int)step[end];
            if (length < 0)
            {
                unknown++;
                end--;
                continue;
            }

            wordCount++;
            lnRanks += _model.Words.LnRank(rankAt[end]);
            if (length <= 3)
            {
                shortWords++;
            }

            end -= length;
        }

        var count = wordCount switch
        {
            0 or 1 => 0.1,
            2 or 3 => 1.0,
            4 => 0.9,
            5 => 0.6,
            _ => 0.3,
        };
        var coverage = (double)(n - unknown) / n;
        var length01 = Math.Clamp((n - 6) / 6.0, 0, 1);

        // Splits into very rare words are how random letters get covered: the tail of the list is noise.
        var rarity = wordCount == 0 ? 0 : Math.Clamp((11.0 - (lnRanks / wordCount)) / 3.0, 0.3, 1.0);
        return count * length01 * coverage * coverage * Math.Pow(0.85, shortWords) * rarity;
    }
}
