using System.Net;
using System.Net.Sockets;

namespace Resolver.Server.Limits;

/// <summary>A short list of address ranges checked per query without allocating (addresses as 16 bytes, IPv4 mapped).</summary>
internal sealed class ClientNetworkList
{
    private readonly byte[][] _prefixes;
    private readonly int[] _lengths;

    public ClientNetworkList(IEnumerable<string> networks)
    {
        var prefixes = new List<byte[]>();
        var lengths = new List<int>();
        foreach (var text in networks)
        {
            if (!TryParse(text, out var network))
            {
                throw new ArgumentException($"'{text}' is not an address or CIDR network", nameof(networks));
            }

            var mapped = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
            prefixes.Add((mapped ? network.BaseAddress.MapToIPv6() : network.BaseAddress).GetAddressBytes());
            lengths.Add(mapped ? network.PrefixLength + 96 : network.PrefixLength);
        }

        _prefixes = [.. prefixes];
        _lengths = [.. lengths];
    }

    public static ClientNetworkList Loopback { get; } = new(["127.0.0.0/8", "::1/128"]);

    public bool IsEmpty => _prefixes.Length == 0;

    /// <summary>An address (a whole network of one) or a CIDR network without host bits (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>).</summary>
    public static bool TryParse(string text, out IPNetwork network)
    {
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        // IPNetwork accepts host bits past the prefix and drops them; 10.0.0.1/8 is more likely a typo than
        // a wish to exempt all of 10/8, so it is refused.
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return IPNetwork.TryParse(text, out network)
            && IPAddress.TryParse(text.AsSpan(0, slash), out var written)
            && written.Equals(network.BaseAddress);
    }

    public bool Contains(ReadOnlySpan<byte> mappedAddress)
    {
        for (var i = 0; i < _prefixes.Length; i++)
        {
            if (Matches(_prefixes[i], mappedAddress, _lengths[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> address, int length)
    {
        var whole = length >> 3;
        if (!address[..whole].SequenceEqual(prefix[..whole]))
        {
            return false;
        }

        var bits = length & 7;
        var mask = (byte)(0xFF << (8 - bits));
        return bits == 0 || (address[whole] & mask) == (prefix[whole] & mask);
    }
}
