using System.Net;
using Resolver.Firewall.Addresses;

namespace Resolver.Detection.Catalog;

/// <summary>Addresses and CIDR ranges, such as the allowed resolvers, asked whether they hold an address.</summary>
public sealed class AddressSet
{
    public static readonly AddressSet Empty = new([]);

    private readonly IPNetwork[] _networks;

    public AddressSet(IEnumerable<IPNetwork> networks) => _networks = [.. networks];

    public int Count => _networks.Length;

    /// <summary>Parses addresses (<c>8.8.8.8</c>) and ranges (<c>10.0.0.0/8</c>); throws a <see cref="FormatException"/> naming the bad entry.</summary>
    public static AddressSet Parse(IEnumerable<string> entries, string setting)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (!TryParseNetwork(entry, out var network))
            {
                throw new FormatException($"{setting}: '{entry}' is not an IP address or CIDR range such as 10.0.0.2 or 10.0.0.0/24");
            }

            networks.Add(network);
        }

        return new AddressSet(networks);
    }

    /// <summary>An address alone is a network of one address; a range must have no host bits (see <see cref="CidrText"/>).</summary>
    public static bool TryParseNetwork(string text, out IPNetwork network) => CidrText.TryParse(text, allowAddress: true, out network);

    public bool Contains(IPAddress address)
    {
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
