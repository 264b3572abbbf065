using System.Net;
using Resolver.Firewall.Rulesets;

namespace Resolver.Firewall.Domains;

/// <summary>
/// Reads domain list files (plain, hosts, AdBlock). A bad line is reported with its file and line and
/// skipped; the rest of the list still loads.
/// </summary>
public static class DomainListParser
{
    private static readonly HashSet<string> HostsBoilerplate = new(StringComparer.OrdinalIgnoreCase)
    {
        "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback",
        "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0",
    };

    public static List<DomainSpecification> Parse(TextReader reader, DomainListFormat format, string file, ICollection<RulesetDiagnostic> diagnostics)
    {
        var domains = new List<DomainSpecification>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            ParseLine(line, format, file, lineNumber, domains, diagnostics);
        }

        return domains;
    }

    /// <summary>Parses one entry given inline (in a ruleset file) and reports it when invalid.</summary>
    public static bool TryAdd(string text, string file, int line, List<DomainSpecification> domains, ICollection<RulesetDiagnostic> diagnostics)
    {
        if (DomainSpecification.TryParse(text, out var specification, out var error))
        {
            domains.Add(specification);
            return true;
        }

        diagnostics.Add(new RulesetDiagnostic(file, line, $"invalid domain skipped: {error}", IsError: false));
        return false;
    }

    private static void ParseLine(string line, DomainListFormat format, string file, int lineNumber, List<DomainSpecification> domains, ICollection<RulesetDiagnostic> diagnostics)
    {
        var text = line.AsSpan().Trim();
        if (text.IsEmpty || text[0] == '#' || text[0] == '!' || (text[0] == '[' && text[^1] == ']'))
        {
            return;
        }

        var comment = text.IndexOf('#');
        if (comment >= 0)
        {
            text = text[..comment].TrimEnd();
        }

        var lineFormat = format == DomainListFormat.Auto ? Detect(text) : format;
        switch (lineFormat)
        {
            case DomainListFormat.Adblock:
                ParseAdblock(text, file, lineNumber, domains, diagnostics);
                break;
            case DomainListFormat.Hosts:
                ParseHosts(text, file, lineNumber, domains, diagnostics);
                break;
            default:
                TryAdd(text.ToString(), file, lineNumber, domains, diagnostics);
                break;
        }
    }

    private static DomainListFormat Detect(ReadOnlySpan<char> text)
    {
        if (text.StartsWith("||", StringComparison.Ordinal) || text.StartsWith("@@", StringComparison.Ordinal))
        {
            return DomainListFormat.Adblock;
        }

        var space = text.IndexOfAny(' ', '\t');
        return space > 0 && IPAddress.TryParse(text[..space], out _) ? DomainListFormat.Hosts : DomainListFormat.Plain;
    }

    private static void ParseHosts(ReadOnlySpan<char> text, string file, int lineNumber, List<DomainSpecification> domains, ICollection<RulesetDiagnostic> diagnostics)
    {
        var first = true;
        foreach (var range in text.SplitAny(' ', '\t'))
        {
            var token = text[range];
            if (token.IsEmpty)
            {
                continue;
            }

            if (first)
            {
                first = false;
                if (!IPAddress.TryParse(token, out _))
                {
                    diagnostics.Add(new RulesetDiagnostic(file, lineNumber, $"hosts line does not start with an address: '{text}'", IsError: false));
                    return;
                }

                continue;
            }

            var name = token.ToString();
            if (!HostsBoilerplate.Contains(name))
            {
                TryAdd(name, file, lineNumber, domains, diagnostics);
            }
        }
    }

    private static void ParseAdblock(ReadOnlySpan<char> text, string file, int lineNumber, List<DomainSpecification> domains, ICollection<RulesetDiagnostic> diagnostics)
    {
        if (!text.StartsWith("||", StringComparison.Ordinal) || !text.EndsWith("^", StringComparison.Ordinal) || text.Length < 4)
        {
            diagnostics.Add(new RulesetDiagnostic(file, lineNumber, $"only AdBlock rules of the form ||name^ are supported: '{text}'", IsError: false));
            return;
        }

        // ||name^ blocks the name and everything below it: both entries, as Route 53 needs both.
        var name = text[2..^1].ToString();
        if (TryAdd(name, file, lineNumber, domains, diagnostics) && !name.StartsWith('*'))
        {
            TryAdd("*." + name, file, lineNumber, domains, diagnostics);
        }
    }
}
