using Resolver.Api.Authentication;

namespace Resolver.Api.Tests.Authentication;

/// <summary>The canonical forms against the AWS test suite's canonical requests and what botocore signs.</summary>
public sealed class SigV4CanonicalTests
{
    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("/./", "/")] // get-slash-dot-slash
    [InlineData("/./example", "/example")] // get-slash-pointless-dot
    [InlineData("//example//", "/example/")] // get-slashes
    [InlineData("/example1/example2/../..", "/")] // get-relative-relative
    [InlineData("/example/..", "/")] // get-relative
    [InlineData("/../../x", "/x")]
    [InlineData("/a/./b/../c/", "/a/c/")]
    [InlineData("/-._~0123456789AZaz", "/-._~0123456789AZaz")]
    public void Paths_lose_dot_and_empty_segments(string raw, string canonical)
    {
        Assert.Equal(canonical, SigV4Canonical.Path(raw));
    }

    [Theory]
    [InlineData("/example%20space/", "/example%2520space/")] // botocore signs the sent path encoded once more
    [InlineData("/a:b@c", "/a%3Ab%40c")]
    [InlineData("/\u1234", "/%E1%88%B4")]
    public void Paths_are_encoded_once_more_as_sent(string raw, string canonical)
    {
        Assert.Equal(canonical, SigV4Canonical.Path(raw));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("?", "")]
    [InlineData("Param2=value2&Param1=value1", "Param1=value1&Param2=value2")] // get-vanilla-query-order-key-case
    [InlineData("Param1=value2&Param1=Value1", "Param1=Value1&Param1=value2")] // get-vanilla-query-order-value
    [InlineData("?b=2&a", "a=&b=2")]
    [InlineData("a=&&b=", "a=&b=")]
    [InlineData("-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~")] // get-vanilla-query-unreserved
    [InlineData("Param1=value%7E&k%2fey=x", "Param1=value~&k%2Fey=x")]
    [InlineData("a=b+c&a=b%20c", "a=b%20c&a=b%2Bc")]
    [InlineData("%E1%88%B4=bar&x=%e1%88%b4", "%E1%88%B4=bar&x=%E1%88%B4")] // get-utf8
    [InlineData("a=%zz", "a=%25zz")]
    public void Queries_are_re_encoded_strictly_and_sorted_by_name_then_value(string raw, string canonical)
    {
        Assert.Equal(canonical, SigV4Canonical.Query(SigV4Canonical.ParseQuery(raw)));
    }

    [Fact]
    public void A_parsed_query_keeps_names_and_values_encoded()
    {
        var parameters = SigV4Canonical.ParseQuery("?a%20b=c%2Fd&e&f=g=h");

        Assert.Equal(new[] { new QueryParameter("a%20b", "c%2Fd"), new QueryParameter("e", ""), new QueryParameter("f", "g=h") }, parameters);
    }

    [Theory]
    [InlineData("value", "value")]
    [InlineData("  value  ", "value")]
    [InlineData("a   b\t\tc", "a b c")]
    [InlineData("\t a \t", "a")]
    [InlineData("", "")]
    public void A_header_value_is_trimmed_with_blanks_collapsed(string raw, string canonical)
    {
        Assert.Equal(canonical, SigV4Canonical.HeaderValue([raw]));
    }

    [Fact]
    public void Repeated_header_values_are_joined_by_commas_in_order()
    {
        Assert.Equal("value2,value2 value1,value1", SigV4Canonical.HeaderValue(["value2", " value2  value1", "value1 "]));
        Assert.Equal("", SigV4Canonical.HeaderValue([]));
    }

    [Fact]
    public void Amz_dates_round_trip_in_utc()
    {
        Assert.True(SigV4Canonical.TryParseAmzDate("20150830T123600Z", out var time));
        Assert.Equal(new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero), time);
        Assert.Equal("20150830T123600Z", SigV4Canonical.FormatAmzDate(new DateTimeOffset(2015, 8, 30, 14, 36, 0, TimeSpan.FromHours(2))));
        Assert.False(SigV4Canonical.TryParseAmzDate("20150830T123600", out _));
        Assert.False(SigV4Canonical.TryParseAmzDate("20150830T253600Z", out _));
    }
}
