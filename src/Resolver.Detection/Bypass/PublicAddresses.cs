using System.Net;
using System.Net.Sockets;

namespace Resolver.Detection.Bypass;

/// <summary>
/// Whether an address is on the public internet. Private (RFC 1918), shared (100.64/10), loopback,
/// link-local, multicast, documentation, benchmarking and reserved ranges are not; nor are IPv6 ULA
/// (fc00::/7), link-local (fe80::/10) and anything outside 2000::/3.
/// </summary>
public static class PublicAddresses
{
    private static readonly IPNetwork[] NotPublicV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork DocumentationV6 = IPNetwork.Parse("2001:db8::/32");

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            foreach (var network in NotPublicV4)
            {
                if (network.Contains(address))
                {
                    return false;
                }
            }

            return true;
        }

        return GlobalUnicastV6.Contains(address) && !DocumentationV6.Contains(address);
    }
}
