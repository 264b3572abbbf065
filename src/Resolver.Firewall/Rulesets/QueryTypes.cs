using System.Globalization;

namespace Resolver.Firewall.Rulesets;

/// <summary>Query type names a rule may filter on (AWS's list), plus the generic <c>TYPE&lt;n&gt;</c>.</summary>
public static class QueryTypes
{
    private static readonly Dictionary<string, ushort> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = 1, ["NS"] = 2, ["CNAME"] = 5, ["SOA"] = 6, ["PTR"] = 12, ["MX"] = 15, ["TXT"] = 16,
        ["AAAA"] = 28, ["SRV"] = 33, ["NAPTR"] = 35, ["DS"] = 43, ["SVCB"] = 64, ["HTTPS"] = 65,
        ["SPF"] = 99, ["CAA"] = 257,
    };

    public static bool TryParse(string text, out ushort type)
    {
        if (Known.TryGetValue(text, out type))
        {
            return true;
        }

        return text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out type)
            && type != 0;
    }

    public static string Name(ushort type)
    {
        foreach (var (name, value) in Known)
        {
            if (value == type)
            {
                return name;
            }
        }

        return "TYPE" + type.ToString(CultureInfo.InvariantCulture);
    }
}
