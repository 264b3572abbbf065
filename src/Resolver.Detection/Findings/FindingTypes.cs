using System.Collections.Frozen;

namespace Resolver.Detection.Findings;

/// <summary>
/// The finding types the resolver raises or is meant to raise, and their severities, in one table. Severities
/// follow GuardDuty's documentation (Low 1-3.9, Medium 4-6.9, High 7-8.9).
/// </summary>
public static class FindingTypes
{
    // Flow logs: DNS leaving by another road than the resolver.
    public const string UnusualDnsResolver = "DefenseEvasion:EC2/UnusualDNSResolver";
    public const string UnusualDohActivity = "DefenseEvasion:EC2/UnusualDoHActivity";
    public const string UnusualDotActivity = "DefenseEvasion:EC2/UnusualDoTActivity";

    // The resolver's own query stream (DNS_REQUEST findings).
    public const string DgaDomainRequest = "Trojan:EC2/DGADomainRequest.C!DNS";
    public const string DnsDataExfiltration = "Trojan:EC2/DNSDataExfiltration";
    public const string CommandAndControlActivity = "Backdoor:EC2/C&CActivity.B!DNS";
    public const string BitcoinTool = "CryptoCurrency:EC2/BitcoinTool.B!DNS";

    public const double Medium = 5;
    public const double High = 8;

    private static readonly FrozenDictionary<string, double> Severities = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [UnusualDnsResolver] = Medium,
        [UnusualDohActivity] = Medium,
        [UnusualDotActivity] = Medium,
        [DgaDomainRequest] = High,
        [DnsDataExfiltration] = High,
        [CommandAndControlActivity] = High,
        [BitcoinTool] = High,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every type of the table.</summary>
    public static IEnumerable<string> All => Severities.Keys;

    /// <summary>The severity of a type of the table; an unknown type is a programming error.</summary>
    public static double Severity(string type) =>
        Severities.TryGetValue(type, out var severity) ? severity : throw new ArgumentException($"unknown finding type '{type}'", nameof(type));

    /// <summary>GuardDuty's label for a severity number.</summary>
    public static string SeverityLabel(double severity) => severity switch
    {
        >= 7 => "High",
        >= 4 => "Medium",
        _ => "Low",
    };
}
