using System.Globalization;
using System.Text;
using Resolver.Firewall.ThreatProtection;
using Xunit.Abstractions;

namespace Resolver.Firewall.Tests.ThreatProtection;

/// <summary>
/// DGA and dictionary-DGA scores against generated DGA families and real names. With the environment
/// variable THREAT_PROTECTION_REPORT set to a path, the measured precision/recall table is written there
/// (docs/threat-protection.md holds a copy).
/// </summary>
public sealed class LexicalScoreTests
{
    private const int PerFamily = 2000;

    private readonly ITestOutputHelper _output;

    public LexicalScoreTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Random_character_DGAs_score_above_benign_names_at_measured_recall_and_precision()
    {
        var benign = BenignNames();
        var benignRates = Rates(benign, Dga);
        _output.WriteLine($"benign DGA flagged share L/M/H: {Format(benignRates)}");
        Assert.True(benignRates[1] <= 0.01, $"benign flagged at MEDIUM: {benignRates[1]:P1}");
        Assert.True(benignRates[2] <= 0.005, $"benign flagged at HIGH: {benignRates[2]:P1}");
        foreach (var family in DgaFamilies.RandomCharacterFamilies)
        {
            var rates = Rates(DgaFamilies.Generate(family, PerFamily), Dga);
            _output.WriteLine($"{family} recall L/M/H: {Format(rates)}");
            var (minimumMediumRecall, minimumPrecision) = family switch
            {
                "conficker" => (0.55, 0.95),
                "banjori" => (0.65, 0.95),
                _ => (0.9, 0.95),
            };
            Assert.True(rates[1] >= minimumMediumRecall, $"{family} recall at MEDIUM {rates[1]:P1}");
            Assert.True(Precision(rates[1], benignRates[1]) >= minimumPrecision, $"{family} precision at MEDIUM {Precision(rates[1], benignRates[1]):P1}");
        }
    }

    [Fact]
    public void Dictionary_DGAs_score_above_benign_names()
    {
        var benign = BenignNames();
        var benignRates = Rates(benign, DictionaryDga);
        _output.WriteLine($"benign dictionary-DGA flagged share L/M/H: {Format(benignRates)}");
        Assert.True(benignRates[1] <= 0.02, $"benign flagged at MEDIUM: {benignRates[1]:P1}");
        foreach (var family in DgaFamilies.DictionaryFamilies)
        {
            var rates = Rates(DgaFamilies.Generate(family, PerFamily), DictionaryDga);
            _output.WriteLine($"{family} recall L/M/H: {Format(rates)}");
            Assert.True(rates[0] >= 0.7, $"{family} recall at LOW {rates[0]:P1}");
            Assert.True(rates[1] >= 0.5, $"{family} recall at MEDIUM {rates[1]:P1}");
            Assert.True(Precision(rates[1], benignRates[1]) >= 0.95, $"{family} precision at MEDIUM {Precision(rates[1], benignRates[1]):P1}");
        }
    }

    [Fact]
    public void Well_known_brands_are_not_dictionary_DGA_and_plain_words_are_not_DGA()
    {
        foreach (var name in new[] { "facebook.com", "microsoft.com", "stackoverflow.com", "booking.com", "youtube.com", "weatherchannel.com", "wikipedia.org", "github.com" })
        {
            Assert.True(ThreatConfidence.None == ThreatTestData.Detector.Score(DnsThreatProtection.DictionaryDga, ThreatTestData.Wire(name), 1), name);
            Assert.True(ThreatConfidence.None == ThreatTestData.Detector.Score(DnsThreatProtection.Dga, ThreatTestData.Wire(name), 1), name);
        }

        Assert.True(ThreatTestData.Detector.DgaScore(ThreatTestData.Wire("xjwqkzvbtrplmn.com")) > 0.9);
        Assert.True(ThreatTestData.Detector.DictionaryDgaScore(ThreatTestData.Wire("gardenwinter.net")) > 0.6);
        Assert.Equal(0, ThreatTestData.Detector.DgaScore(ThreatTestData.Wire("com")));
        Assert.Equal(0, ThreatTestData.Detector.DgaScore([0]));
        Assert.Equal(0, ThreatTestData.Detector.DgaScore([5, (byte)'a']));
    }

    [Fact]
    public void Writes_the_precision_recall_report_when_asked()
    {
        var path = Environment.GetEnvironmentVariable("THREAT_PROTECTION_REPORT");
        var report = BuildReport();
        _output.WriteLine(report);
        if (!string.IsNullOrEmpty(path))
        {
            File.WriteAllText(path, report);
        }
    }

    internal static string BuildReport()
    {
        var known = ThreatTestData.WellKnownDomains();
        var generated = ThreatTestData.GeneratedBenignNames(700);
        var benign = known.Concat(generated).ToList();
        var model = ThreatModel.Shared;
        var unlisted = known.Where(n => !model.IsBenignLabel(Encoding.ASCII.GetBytes(ThreatTestData.Registrable(n)))).ToList();
        var text = new StringBuilder();
        foreach (var (title, score, families) in new[]
        {
            ("DGA", (Func<string, ThreatConfidence>)Dga, DgaFamilies.RandomCharacterFamilies.Concat(DgaFamilies.DictionaryFamilies).ToArray()),
            ("DICTIONARY_DGA", DictionaryDga, DgaFamilies.DictionaryFamilies.Concat(DgaFamilies.RandomCharacterFamilies).ToArray()),
        })
        {
            var benignRates = Rates(benign, score);
            text.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
            text.AppendLine();
            text.AppendLine("| set | names | recall LOW | recall MEDIUM | recall HIGH | precision LOW | precision MEDIUM | precision HIGH |");
            text.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var family in families)
            {
                var rates = Rates(DgaFamilies.Generate(family, PerFamily), score);
                text.AppendLine(CultureInfo.InvariantCulture, $"| {family} | {PerFamily} | {rates[0]:P1} | {rates[1]:P1} | {rates[2]:P1} | {Shown(rates[0], benignRates[0])} | {Shown(rates[1], benignRates[1])} | {Shown(rates[2], benignRates[2])} |");
            }

            text.AppendLine();
            text.AppendLine("Missed at LOW, first of each family: " + string.Join(", ", families.Take(3).Select(f => DgaFamilies.Generate(f, 200).FirstOrDefault(n => score(n) == ThreatConfidence.None) ?? "-")));
            text.AppendLine();
            text.AppendLine("| benign set | names | flagged LOW | flagged MEDIUM | flagged HIGH | examples flagged at MEDIUM |");
            text.AppendLine("|---|---|---|---|---|---|");
            foreach (var (set, names) in new[] { ("all benign", benign), ("well-known domains", known), ("well-known, label not in the allowlist", unlisted), ("generated cloud/CDN names", generated) })
            {
                var rates = Rates(names, score);
                var examples = string.Join(", ", names.Where(n => score(n) >= ThreatConfidence.Medium).Take(6));
                text.AppendLine(CultureInfo.InvariantCulture, $"| {set} | {names.Count} | {rates[0]:P1} | {rates[1]:P1} | {rates[2]:P1} | {examples} |");
            }

            text.AppendLine();
        }

        text.AppendLine("### DNS_TUNNELING");
        text.AppendLine();
        text.Append(TunnelingTests.Report());
        return text.ToString();
    }

    private static List<string> BenignNames() => [.. ThreatTestData.WellKnownDomains(), .. ThreatTestData.GeneratedBenignNames(700)];

    private static ThreatConfidence Dga(string name) => ThreatTestData.Detector.Score(DnsThreatProtection.Dga, ThreatTestData.Wire(name), 1);

    private static ThreatConfidence DictionaryDga(string name) => ThreatTestData.Detector.Score(DnsThreatProtection.DictionaryDga, ThreatTestData.Wire(name), 1);

    /// <summary>Shares of names at LOW or above, MEDIUM or above, HIGH.</summary>
    private static double[] Rates(List<string> names, Func<string, ThreatConfidence> score)
    {
        var counts = new int[3];
        foreach (var name in names)
        {
            var confidence = score(name);
            for (var level = 0; level < 3; level++)
            {
                if ((int)confidence >= level + 1)
                {
                    counts[level]++;
                }
            }
        }

        return [.. counts.Select(c => (double)c / names.Count)];
    }

    /// <summary>Precision with as many benign names as DGA names: recall / (recall + benign flagged share).</summary>
    private static double Precision(double recall, double falsePositiveRate) => recall + falsePositiveRate == 0 ? 1 : recall / (recall + falsePositiveRate);

    private static string Shown(double recall, double falsePositiveRate) =>
        recall == 0 ? "-" : Precision(recall, falsePositiveRate).ToString("P1", CultureInfo.InvariantCulture);

    private static string Format(double[] rates) => string.Join(" / ", rates.Select(r => r.ToString("P1", CultureInfo.InvariantCulture)));
}
