using Resolver.Firewall.Domains;
using Resolver.Firewall.Rulesets;

namespace Resolver.Firewall.Tests.Domains;

public sealed class DomainListParserTests
{
    [Fact]
    public void Auto_detects_plain_hosts_and_adblock_lines_and_reports_bad_ones_with_their_line()
    {
        const string text = """
            # a comment
            plain.example
            *.wild.example   # trailing comment
            0.0.0.0 hosts.example second.example
            127.0.0.1 localhost
            ||ads.example^
            ! adblock comment
            bad_name.example
            @@||allowed.example^
            """;
        var diagnostics = new List<RulesetDiagnostic>();

        var domains = DomainListParser.Parse(new StringReader(text), DomainListFormat.Auto, "list.txt", diagnostics);

        Assert.Equal(
            ["plain.example", "*.wild.example", "hosts.example", "second.example", "ads.example", "*.ads.example"],
            domains.Select(d => d.ToString()));
        Assert.Equal(2, diagnostics.Count);
        Assert.Equal(("list.txt", 8), (diagnostics[0].File, diagnostics[0].Line));
        Assert.Contains("bad_name.example", diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(9, diagnostics[1].Line);
        Assert.All(diagnostics, d => Assert.False(d.IsError));
    }

    [Fact]
    public void Named_format_is_applied_to_every_line()
    {
        var diagnostics = new List<RulesetDiagnostic>();

        var domains = DomainListParser.Parse(new StringReader("::1 v6.example\nnot-an-address name.example\n"), DomainListFormat.Hosts, "hosts", diagnostics);

        Assert.Equal(["v6.example"], domains.Select(d => d.ToString()));
        Assert.Single(diagnostics);
        Assert.Equal(2, diagnostics[0].Line);
    }
}
