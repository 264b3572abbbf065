using System.Net;
using System.Net.Sockets;

namespace Resolver.Firewall.Addresses;

/// <summary>How every setting and file of the resolver writes an address range.</summary>
public static class CidrText
{
    /// <summary>
    /// A CIDR range without host bits (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) or, with
    /// <paramref name="allowAddress"/>, a single address (a range of one). <see cref="IPNetwork"/> alone
    /// accepts <c>10.0.0.1/8</c> and drops the host bits; that is more likely a typo than a wish for all of
    /// 10/8, so it is refused.
    /// </summary>
    public static bool TryParse(string text, bool allowAddress, out IPNetwork network)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            network = default;
            if (!allowAddress || !IPAddress.TryParse(text, out var address))
            {
                return false;
            }

            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(text, out network)
            && IPAddress.TryParse(text.AsSpan(0, slash), out var written)
            && written.Equals(network.BaseAddress);
    }
}
