using System.Net;
using Resolver.Firewall.Rulesets;

namespace Resolver.Firewall.Domains;

/// <summary>
/// Reads domain list files (plain, hosts, AdBlock) line by line as spans over a reused buffer, straight
/// into a compact <see cref="DomainSet"/>: no string per line or per name. A bad line is reported with
/// its file and line and skipped; the rest of the list still loads.
/// </summary>
public static class DomainListParser
{
    private const int ChunkSize = 64 * 1024;

    private static readonly string[] HostsBoilerplate =
    [
        "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback",
        "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0",
    ];

    public static DomainSet Parse(TextReader reader, DomainListFormat format, string file, ICollection<RulesetDiagnostic> diagnostics)
    {
        var domains = new DomainSet(1024);
        var buffer = new char[ChunkSize];
        var filled = 0;
        var lineNumber = 0;
        while (true)
        {
            var read = reader.ReadBlock(buffer, filled, buffer.Length - filled);
            filled += read;
            var span = buffer.AsSpan(0, filled);
            var consumed = 0;
            while (true)
            {
                var newline = span[consumed..].IndexOf('\n');
                if (newline < 0)
                {
                    break;
                }

                ParseLine(span.Slice(consumed, newline), format, file, ++lineNumber, domains, diagnostics);
                consumed += newline + 1;
            }

            if (read == 0)
            {
                if (consumed < filled)
                {
                    ParseLine(span[consumed..], format, file, ++lineNumber, domains, diagnostics);
                }

                return domains;
            }

            // Keep the partial last line; a line longer than the buffer grows it.
            span[consumed..].CopyTo(buffer);
            filled -= consumed;
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    /// <summary>Adds one entry given inline (in a ruleset file) and reports it when invalid.</summary>
    public static bool TryAdd(ReadOnlySpan<char> text, string file, int line, DomainSet domains, ICollection<RulesetDiagnostic> diagnostics)
    {
        Span<byte> name = stackalloc byte[DomainSpecification.MaxLength];
        var length = DomainSpecification.TryNormalize(text, name, out var wildcard, out var error);
        if (length >= 0)
        {
            domains.Add(name[..length], wildcard);
            return true;
        }

        diagnostics.Add(new RulesetDiagnostic(file, line, $"invalid domain skipped: {error}", IsError: false));
        return false;
    }

    private static void ParseLine(ReadOnlySpan<char> line, DomainListFormat format, string file, int lineNumber, DomainSet domains, ICollection<RulesetDiagnostic> diagnostics)
    {
        var text = line.Trim();
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
                TryAdd(text, file, lineNumber, domains, diagnostics);
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
        return space > 0 && IsAddress(text[..space]) ? DomainListFormat.Hosts : DomainListFormat.Plain;
    }

    /// <summary>The two sinkhole addresses of nearly every hosts list are recognised without a full parse.</summary>
    private static bool IsAddress(ReadOnlySpan<char> token) =>
        token.SequenceEqual("0.0.0.0") || token.SequenceEqual("127.0.0.1") || IPAddress.TryParse(token, out _);

    private static void ParseHosts(ReadOnlySpan<char> text, string file, int lineNumber, DomainSet domains, ICollection<RulesetDiagnostic> diagnostics)
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
                if (!IsAddress(token))
                {
                    diagnostics.Add(new RulesetDiagnostic(file, lineNumber, $"hosts line does not start with an address: '{text}'", IsError: false));
                    return;
                }

                continue;
            }

            if (!IsBoilerplate(token))
            {
                TryAdd(token, file, lineNumber, domains, diagnostics);
            }
        }
    }

    private static bool IsBoilerplate(ReadOnlySpan<char> name)
    {
        foreach (var entry in HostsBoilerplate)
        {
            if (name.Equals(entry, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static void ParseAdblock(ReadOnlySpan<char> text, string file, int lineNumber, DomainSet domains, ICollection<RulesetDiagnostic> diagnostics)
    {
        if (!text.StartsWith("||", StringComparison.Ordinal) || !text.EndsWith("^", StringComparison.Ordinal) || text.Length < 4)
        {
            diagnostics.Add(new RulesetDiagnostic(file, lineNumber, $"only AdBlock rules of the form ||name^ are supported: '{text}'", IsError: false));
            return;
        }

        // ||name^ blocks the name and everything below it: both entries, as Route 53 needs both.
        var name = text[2..^1];
        if (TryAdd(name, file, lineNumber, domains, diagnostics) && !name.StartsWith('*'))
        {
            var index = domains.Count - 1;
            Span<byte> copy = stackalloc byte[DomainSpecification.MaxLength];
            var bytes = domains.NameBytes(index);
            bytes.CopyTo(copy);
            domains.Add(copy[..bytes.Length], wildcard: true);
        }
    }
}
