namespace Resolver.Firewall.ThreatProtection;

/// <summary>The AWS spellings of <see cref="DnsThreatProtection"/> and <see cref="ThreatConfidence"/> (DNS_TUNNELING, HIGH).</summary>
public static class ThreatProtectionNames
{
    /// <summary>Every protection's name, as the API validates them.</summary>
    public static IReadOnlyList<string> Protections { get; } = [.. Enum.GetValues<DnsThreatProtection>().Select(Name)];

    /// <summary>Every threshold's name (LOW, MEDIUM, HIGH), as the API validates them.</summary>
    public static IReadOnlyList<string> Thresholds { get; } = [Name(ThreatConfidence.Low), Name(ThreatConfidence.Medium), Name(ThreatConfidence.High)];

    public static string Name(DnsThreatProtection protection) => protection switch
    {
        DnsThreatProtection.Dga => "DGA",
        DnsThreatProtection.DictionaryDga => "DICTIONARY_DGA",
        DnsThreatProtection.DnsTunneling => "DNS_TUNNELING",
        _ => throw new ArgumentOutOfRangeException(nameof(protection), protection, "not a threat protection"),
    };

    public static string Name(ThreatConfidence confidence) => confidence switch
    {
        ThreatConfidence.Low => "LOW",
        ThreatConfidence.Medium => "MEDIUM",
        ThreatConfidence.High => "HIGH",
        _ => throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "not a confidence threshold"),
    };

    public static bool TryParseProtection(string text, out DnsThreatProtection protection)
    {
        foreach (var candidate in Enum.GetValues<DnsThreatProtection>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.Ordinal))
            {
                protection = candidate;
                return true;
            }
        }

        protection = default;
        return false;
    }

    public static bool TryParseThreshold(string text, out ThreatConfidence confidence)
    {
        foreach (var candidate in (ReadOnlySpan<ThreatConfidence>)[ThreatConfidence.Low, ThreatConfidence.Medium, ThreatConfidence.High])
        {
            if (string.Equals(Name(candidate), text, StringComparison.Ordinal))
            {
                confidence = candidate;
                return true;
            }
        }

        confidence = default;
        return false;
    }
}
