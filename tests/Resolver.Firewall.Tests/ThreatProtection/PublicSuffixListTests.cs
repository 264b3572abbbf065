using System.Text;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Firewall.Tests.ThreatProtection;

public sealed class PublicSuffixListTests
{
    private const string Sample = """
        // ===BEGIN ICANN DOMAINS===
        com
        uk
        co.uk
        // wildcard and exception, as in the real list
        *.ck
        !www.ck
        jp
        *.kawasaki.jp
        !city.kawasaki.jp
        公司.cn
        cn
        // ===END ICANN DOMAINS===
        // ===BEGIN PRIVATE DOMAINS===
        github.io
        // ===END PRIVATE DOMAINS===
        """;

    [Theory]
    [InlineData("www.example.co.uk", "example.co.uk")]
    [InlineData("example.co.uk", "example.co.uk")]
    [InlineData("co.uk", "")]
    [InlineData("uk", "")]
    [InlineData("a.b.example.com", "example.com")]
    [InlineData("www.ck", "www.ck")]
    [InlineData("a.www.ck", "www.ck")]
    [InlineData("example.ck", "")]
    [InlineData("www.example.ck", "www.example.ck")]
    [InlineData("a.b.city.kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("a.b.other.kawasaki.jp", "b.other.kawasaki.jp")]
    [InlineData("user.github.io", "user.github.io")]
    [InlineData("x.user.github.io", "user.github.io")]
    [InlineData("github.io", "")]
    [InlineData("www.xn--55qx5d.cn", "www.xn--55qx5d.cn")]
    [InlineData("unlisted", "")]
    [InlineData("a.unlisted", "a.unlisted")]
    [InlineData("", "")]
    public void Registrable_domain_follows_rules_wildcards_exceptions_and_the_private_section(string name, string expected)
    {
        var list = PublicSuffixList.Parse(new StringReader(Sample), "sample");
        Assert.Equal(expected, Registrable(list, name));
    }

    [Fact]
    public void The_private_section_is_told_apart()
    {
        var list = PublicSuffixList.Parse(new StringReader(Sample), "sample");
        Assert.True(list.Split(ThreatTestData.Wire("x.user.github.io"), out var isPrivate) >= 0 && isPrivate);
        Assert.True(list.Split(ThreatTestData.Wire("x.example.co.uk"), out isPrivate) >= 0 && !isPrivate);
    }

    [Fact]
    public void The_installed_list_loads_and_knows_common_suffixes()
    {
        var list = ThreatTestData.Suffixes;
        Assert.False(list.IsFallback);
        Assert.True(list.RuleCount > 5000);
        Assert.Equal("bbc.co.uk", Registrable(list, "www.bbc.co.uk"));
        Assert.Equal("user.github.io", Registrable(list, "a.user.github.io"));
        Assert.Equal("www.ck", Registrable(list, "www.ck"));
        Assert.Equal("", Registrable(list, "anything.ck"));
        Assert.Equal("mybucket.s3.amazonaws.com", Registrable(list, "mybucket.s3.amazonaws.com"));
    }

    [Fact]
    public void The_fallback_takes_the_last_label_as_the_suffix()
    {
        var list = PublicSuffixList.Fallback();
        Assert.True(list.IsFallback);
        Assert.Equal("co.uk", Registrable(list, "www.example.co.uk"));
        Assert.Equal("", Registrable(list, "com"));
        Assert.Equal(PublicSuffixList.DefaultPath, File.Exists(PublicSuffixList.DefaultPath) ? PublicSuffixList.LoadDefault().Source : PublicSuffixList.DefaultPath);
    }

    [Theory]
    [InlineData("a..b", 3)]
    [InlineData("a.*.b", 3)]
    [InlineData("!*.b", 3)]
    [InlineData("!single", 3)]
    [InlineData("bad_char$.com", 3)]
    public void Bad_content_names_file_and_line(string rule, int line)
    {
        var text = $"// comment\ncom\n{rule}\n";
        var error = Assert.Throws<InvalidDataException>(() => PublicSuffixList.Parse(new StringReader(text), "list.dat"));
        Assert.StartsWith($"list.dat:{line}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_wire_names_give_minus_one_not_an_exception()
    {
        var list = ThreatTestData.Suffixes;
        Assert.Equal(-1, list.RegistrableDomainOffset([]));
        Assert.Equal(-1, list.RegistrableDomainOffset([3, (byte)'a', (byte)'b']));
        Assert.Equal(-1, list.RegistrableDomainOffset([70, 1, 2]));
    }

    private static string Registrable(PublicSuffixList list, string name)
    {
        var wire = ThreatTestData.Wire(name);
        var offset = list.RegistrableDomainOffset(wire);
        if (offset < 0)
        {
            return "";
        }

        var text = new StringBuilder();
        for (var i = offset; wire[i] != 0; i += wire[i] + 1)
        {
            text.Append(text.Length > 0 ? "." : "").Append(Encoding.ASCII.GetString(wire, i + 1, wire[i]));
        }

        return text.ToString();
    }
}
