namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// A character trigram model of benign names: how likely each character is after the two before it, in
/// English words and real domain labels. Random strings (a DGA's output) get a low average likelihood.
/// </summary>
/// <remarks>
/// The alphabet folds all digits into one symbol and everything other than letters, digits and '-' into
/// another, so 30 symbols (with the word boundary) give a 27,000-cell table of log2 probabilities. The
/// probabilities interpolate trigram, bigram and unigram estimates so an unseen trigram is unlikely, not
/// impossible.
/// </remarks>
internal sealed class NgramModel
{
    public const int Symbols = 30;

    private const int Boundary = 0;
    private const int Digit = 27;
    private const int Hyphen = 28;
    private const int Other = 29;

    private readonly float[] _log2;

    private NgramModel(float[] log2) => _log2 = log2;

    public static int Symbol(byte c) => c switch
    {
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 1,
        >= (byte)'0' and <= (byte)'9' => Digit,
        (byte)'-' => Hyphen,
        _ => Other,
    };

    public static NgramModel Train(IReadOnlyList<string> words, IReadOnlyList<string> labels)
    {
        var tri = new double[Symbols * Symbols * Symbols];
        var bi = new double[Symbols * Symbols];
        var uni = new double[Symbols];
        void Count(string text, double weight)
        {
            int a = Boundary, b = Boundary;
            for (var i = 0; i <= text.Length; i++)
            {
                var c = i == text.Length ? Boundary : Symbol((byte)char.ToLowerInvariant(text[i]));
                tri[(((a * Symbols) + b) * Symbols) + c] += weight;
                bi[(b * Symbols) + c] += weight;
                uni[c] += weight;
                (a, b) = (b, c);
            }
        }

        foreach (var word in words)
        {
            Count(word, 1);
        }

        // Real labels count double: they carry the digits, hyphens and non-English names of real domains.
        foreach (var label in labels)
        {
            Count(label, 2);
        }

        var triContext = new double[Symbols * Symbols];
        var biContext = new double[Symbols];
        var total = 0.0;
        for (var i = 0; i < tri.Length; i++)
        {
            triContext[i / Symbols] += tri[i];
        }

        for (var i = 0; i < bi.Length; i++)
        {
            biContext[i / Symbols] += bi[i];
        }

        foreach (var u in uni)
        {
            total += u;
        }

        var log2 = new float[tri.Length];
        for (var i = 0; i < tri.Length; i++)
        {
            var context = i / Symbols;
            var b = context % Symbols;
            var c = i % Symbols;
            var pTri = triContext[context] > 0 ? tri[i] / triContext[context] : 0;
            var pBi = biContext[b] > 0 ? bi[(b * Symbols) + c] / biContext[b] : 0;
            var pUni = (uni[c] + 1) / (total + Symbols);
            log2[i] = (float)Math.Log2((0.6 * pTri) + (0.3 * pBi) + (0.1 * pUni));
        }

        return new NgramModel(log2);
    }

    /// <summary>Mean log2 probability per character (the end of the label included) of a label.</summary>
    public double AverageLog2(ReadOnlySpan<byte> label)
    {
        var log2 = _log2;
        int a = Boundary, b = Boundary;
        var sum = 0.0;
        for (var i = 0; i <= label.Length; i++)
        {
            var c = i == label.Length ? Boundary : Symbol(label[i]);
            sum += log2[(((a * Symbols) + b) * Symbols) + c];
            (a, b) = (b, c);
        }

        return sum / (label.Length + 1);
    }
}
