using Resolver.Firewall.Addresses;

namespace Resolver.Server.Limits;

/// <summary>A short list of address ranges checked per query without allocating (addresses as 16 bytes, IPv4 mapped).</summary>
internal sealed class ClientNetworkList
{
    private readonly MappedPrefix[] _prefixes;

    public ClientNetworkList(IEnumerable<string> networks)
    {
        var prefixes = new List<MappedPrefix>();
        foreach (var text in networks)
        {
            if (!TryParse(text, out var network))
            {
                throw new ArgumentException($"'{text}' is not an address or CIDR network", nameof(networks));
            }

            prefixes.Add(new MappedPrefix(network));
        }

        _prefixes = [.. prefixes];
    }

    public static ClientNetworkList Loopback { get; } = new(["127.0.0.0/8", "::1/128"]);

    public bool IsEmpty => _prefixes.Length == 0;

    /// <summary>An address (a whole network of one) or a CIDR network without host bits (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>).</summary>
    public static bool TryParse(string text, out System.Net.IPNetwork network) => CidrText.TryParse(text, allowAddress: true, out network);

    public bool Contains(ReadOnlySpan<byte> mappedAddress)
    {
        foreach (var prefix in _prefixes)
        {
            if (prefix.Contains(mappedAddress))
            {
                return true;
            }
        }

        return false;
    }
}
