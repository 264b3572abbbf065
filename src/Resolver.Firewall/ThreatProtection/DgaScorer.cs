namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// DGA: how random the registrable label looks. Lexical features of the label (the one just left of the
/// public suffix; subdomains are the owner's business and ignored) are weighed into a logistic score.
/// </summary>
/// <remarks>
/// Features, each measured on DGA families and benign names (docs/threat-protection.md):
/// the trigram likelihood under <see cref="NgramModel"/> (the strongest: random letters are unlikely in
/// English and real names), digits mixed into letters, consonant runs, a low share of vowels, and the
/// character entropy relative to the label's length. Short labels carry too little evidence (a 4-letter
/// real name can look random), so the score is damped below 7 characters, and labels under a
/// private-section suffix (cloudfront.net distributions, EC2 host names) are expected to be machine-made
/// and stay below LOW.
/// </remarks>
internal sealed class DgaScorer
{
    public static readonly ConfidenceThresholds Thresholds = new(Low: 0.3, Medium: 0.5, High: 0.8);

    private readonly ThreatModel _model;

    public DgaScorer(ThreatModel model) => _model = model;

    public double Score(ReadOnlySpan<byte> label, bool privateSuffix)
    {
        var n = label.Length;
        if (n < 4 || _model.IsBenignLabel(label))
        {
            return 0;
        }

        var log2 = _model.Ngrams.AverageLog2(label);
        int digits = 0, vowels = 0, letters = 0, switches = 0, run = 0, maxRun = 0;
        Span<byte> counts = stackalloc byte[NgramModel.Symbols + 10];
        counts.Clear();
        var previousDigit = false;
        for (var i = 0; i < n; i++)
        {
            var c = label[i];
            var isDigit = c is >= (byte)'0' and <= (byte)'9';
            var symbol = isDigit ? NgramModel.Symbols + c - '0' : NgramModel.Symbol(c);
            counts[symbol]++;

            if (isDigit)
            {
                digits++;
            }
            else if (c is >= (byte)'a' and <= (byte)'z')
            {
                letters++;
            }

            if (i > 0 && isDigit != previousDigit)
            {
                switches++;
            }

            previousDigit = isDigit;
            if (c is (byte)'a' or (byte)'e' or (byte)'i' or (byte)'o' or (byte)'u' or (byte)'y')
            {
                vowels++;
                run = 0;
            }
            else if (!isDigit && c != (byte)'-')
            {
                maxRun = Math.Max(maxRun, ++run);
            }
            else
            {
                run = 0;
            }
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / n;
                entropy -= p * Math.Log2(p);
            }
        }

        // English-like labels sit near -3 bits per character, random letters near -5.5 and below.
        var z = -5.0 + (2.0 * (-log2 - 3.0));
        z += 4.0 * Math.Min(1.0, switches / 3.0) * Math.Min(1.0, digits / (double)n * 3);
        z += 0.8 * Math.Max(0, maxRun - 3);
        if (letters > 0)
        {
            z += 3.0 * Math.Max(0.0, 0.3 - ((double)vowels / letters)) / 0.3;
        }

        // Repeated characters are rare in random strings: entropy near log2(n) means all distinct.
        z += 2.0 * ((entropy / Math.Log2(Math.Min(n, 36))) - 0.85);
        z += 0.15 * (Math.Min(n, 24) - 10);
        if (n < 7)
        {
            z -= (7 - n) * 1.0;
        }

        var score = 1.0 / (1.0 + Math.Exp(-z));

        // Under a private-section suffix (CloudFront distributions, EC2 host names, Heroku apps) random
        // labels are the norm: a third of such names would reach LOW, so they stay just below it.
        return privateSuffix ? Math.Min(score, Thresholds.Low * 0.98) : score;
    }
}
