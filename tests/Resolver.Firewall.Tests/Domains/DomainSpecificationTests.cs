using Resolver.Firewall.Domains;

namespace Resolver.Firewall.Tests.Domains;

public sealed class DomainSpecificationTests
{
    [Theory]
    [InlineData("example.com", "example.com", false)]
    [InlineData("Example.COM.", "example.com", false)]
    [InlineData("*.example.com", "example.com", true)]
    [InlineData("*", "", true)]
    [InlineData("  xn--bcher-kva.example ", "xn--bcher-kva.example", false)]
    [InlineData("bücher.example", "xn--bcher-kva.example", false)]
    [InlineData("*.Bücher.Example", "xn--bcher-kva.example", true)]
    [InlineData("a-b.c-d.example", "a-b.c-d.example", false)]
    public void Valid_entries_are_normalised(string text, string name, bool wildcard)
    {
        Assert.True(DomainSpecification.TryParse(text, out var specification, out var error), error);
        Assert.Equal(name, specification.Name);
        Assert.Equal(wildcard, specification.IsWildcard);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("exa mple.com", "not allowed")]
    [InlineData("under_score.example", "not allowed")]
    [InlineData("a..example", "empty label")]
    [InlineData("www.*.example", "first label")]
    [InlineData("*example.com", "wildcard")]
    [InlineData("**.example.com", "wildcard")]
    public void Invalid_entries_are_refused_with_a_reason(string text, string reason)
    {
        Assert.False(DomainSpecification.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_limits_are_255_characters_and_63_per_label()
    {
        var label63 = new string('a', 63);
        var name255 = string.Join('.', label63, label63, label63, new string('b', 63));
        Assert.Equal(255, name255.Length);
        Assert.True(DomainSpecification.TryParse(name255, out _, out _));
        Assert.False(DomainSpecification.TryParse(name255 + "c", out _, out _));
        Assert.False(DomainSpecification.TryParse(new string('a', 64) + ".example", out _, out var error));
        Assert.Contains("63", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Wildcard_prefix_counts_towards_the_length()
    {
        var label63 = new string('a', 63);
        var name253 = string.Join('.', label63, label63, label63, new string('b', 61));
        Assert.True(DomainSpecification.TryParse("*." + name253, out _, out _));
        Assert.False(DomainSpecification.TryParse("*." + name253 + "b", out _, out _));
    }

    [Fact]
    public void The_span_normaliser_agrees_with_the_parser_on_every_input()
    {
        var random = new Random(7);
        var alphabet = "abcXYZ019-._*  ü";
        var inputs = new List<string> { "*", "*.", "a.", ".", "..", "*.a", "a*", "A.B.C", new string('a', 63), new string('a', 64), "ex ample.com", "bücher.example" };
        for (var i = 0; i < 5000; i++)
        {
            var length = random.Next(0, 20);
            inputs.Add(new string([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]));
        }

        var bytes = new byte[DomainSpecification.MaxLength];
        foreach (var input in inputs)
        {
            var parsed = DomainSpecification.TryParse(input, out var specification, out _);
            var length = DomainSpecification.TryNormalize(input, bytes, out var wildcard, out _);

            Assert.Equal(parsed, length >= 0);
            if (parsed)
            {
                Assert.Equal(specification.Name, System.Text.Encoding.ASCII.GetString(bytes, 0, length));
                Assert.Equal(specification.IsWildcard, wildcard);
            }
        }
    }
}
