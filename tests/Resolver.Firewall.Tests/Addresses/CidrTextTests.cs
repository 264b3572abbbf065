using System.Net;
using Resolver.Firewall.Addresses;

namespace Resolver.Firewall.Tests.Addresses;

public sealed class CidrTextTests
{
    [Theory]
    [InlineData("10.0.0.0/8", false, true)]
    [InlineData(" fd00::/8 ", false, true)]
    [InlineData("10.0.0.1/8", true, false)]
    [InlineData("10.0.0.2", false, false)]
    [InlineData("10.0.0.2", true, true)]
    [InlineData("2001:db8::1", true, true)]
    [InlineData("10.0.0.0/33", true, false)]
    [InlineData("localhost", true, false)]
    public void Ranges_need_zero_host_bits_and_single_addresses_are_allowed_only_when_asked(string text, bool allowAddress, bool valid)
    {
        Assert.Equal(valid, CidrText.TryParse(text, allowAddress, out _));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.4.0/22", "192.168.7.255", true)]
    [InlineData("192.168.4.0/22", "192.168.8.0", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "10.0.0.1", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "::1", false)]
    public void A_mapped_prefix_holds_the_addresses_of_its_range_and_no_other(string range, string address, bool contained)
    {
        Assert.True(CidrText.TryParse(range, allowAddress: false, out var network));

        Assert.Equal(contained, new MappedPrefix(network).Contains(MappedPrefix.ToMapped(IPAddress.Parse(address))));
    }
}
