using System.Net;
using Resolver.Server.Configuration;

namespace Resolver.Server.Tests.Configuration;

public sealed class EndpointParserTests
{
    [Theory]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    [InlineData("192.0.2.1", "192.0.2.1", 53)]
    [InlineData("0.0.0.0:53", "0.0.0.0", 53)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("10.0.0.2:65535", "10.0.0.2", 65535)]
    [InlineData("  192.0.2.7:5300  ", "192.0.2.7", 5300)]
    [InlineData("[::1]:5353", "::1", 5353)]
    [InlineData("[::1]", "::1", 53)]
    [InlineData("[2001:db8::1]:0", "2001:db8::1", 0)]
    [InlineData("[::]:53", "::", 53)]
    [InlineData("::1", "::1", 53)]
    [InlineData("2001:db8::53", "2001:db8::53", 53)]
    public void Valid_forms_parse_to_the_address_and_port(string text, string address, int port)
    {
        Assert.True(EndpointParser.TryParse(text, 53, out var endPoint, out var error), error);

        Assert.Null(error);
        Assert.Equal(IPAddress.Parse(address), endPoint.Address);
        Assert.Equal(port, endPoint.Port);
    }

    [Fact]
    public void Missing_port_takes_the_given_default_port()
    {
        Assert.True(EndpointParser.TryParse("192.0.2.1", 5300, out var v4, out _));
        Assert.True(EndpointParser.TryParse("[2001:db8::1]", 5300, out var v6, out _));

        Assert.Equal(5300, v4.Port);
        Assert.Equal(5300, v6.Port);
    }

    [Fact]
    public void Bracketed_ipv6_address_gives_an_ipv6_end_point()
    {
        Assert.True(EndpointParser.TryParse("[2001:db8::1]:853", 53, out var endPoint, out _));

        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, endPoint.AddressFamily);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 853), endPoint);
    }

    [Theory]
    [InlineData("localhost:53", "is not an IP address")]
    [InlineData("localhost", "is not an IP address")]
    [InlineData("dns.example.com", "is not an IP address")]
    [InlineData("dns.example.com:5353", "is not an IP address")]
    [InlineData("300.1.2.3:53", "is not an IP address")]
    [InlineData("[dns.example.com]:53", "is not an IP address")]
    [InlineData("", "is not an IP address")]
    [InlineData("   ", "is not an IP address")]
    [InlineData("127.0.0.1:65536", "port must be a number 0-65535")]
    [InlineData("127.0.0.1:99999999999", "port must be a number 0-65535")]
    [InlineData("127.0.0.1:-1", "port must be a number 0-65535")]
    [InlineData("127.0.0.1:+53", "port must be a number 0-65535")]
    [InlineData("127.0.0.1:", "port must be a number 0-65535")]
    [InlineData("127.0.0.1:abc", "port must be a number 0-65535")]
    [InlineData("127.0.0.1: 53", "port must be a number 0-65535")]
    [InlineData("[::1", "missing ']'")]
    [InlineData("[::1:53", "missing ']'")]
    [InlineData("[::1]53", "expected ']:PORT'")]
    [InlineData("[::1]:", "expected ']:PORT'")]
    [InlineData("[::1]:65536", "expected ']:PORT'")]
    [InlineData("[::1]:x", "expected ']:PORT'")]
    [InlineData("53", "dotted-quad")]
    [InlineData("127.1:5353", "dotted-quad")]
    [InlineData("10.1.2", "dotted-quad")]
    public void Invalid_forms_fail_with_an_error_quoting_the_input_and_the_reason(string text, string reason)
    {
        Assert.False(EndpointParser.TryParse(text, 53, out var endPoint, out var error));

        Assert.Null(endPoint);
        Assert.NotNull(error);
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_name_error_says_that_names_are_not_resolved()
    {
        Assert.False(EndpointParser.TryParse("resolver.example:53", 53, out _, out var error));

        Assert.Contains("'resolver.example'", error, StringComparison.Ordinal);
        Assert.Contains("host names are not resolved", error, StringComparison.Ordinal);
    }
}
