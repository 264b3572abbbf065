using System.Net;
using System.Net.Sockets;

namespace Resolver.Firewall.Evaluation;

/// <summary>
/// Picks a client's network: the most specific range that contains its address. Ranges are kept as
/// 16-byte IPv6 (IPv4 mapped) sorted by prefix length, longest first, so the first hit wins.
/// </summary>
internal sealed class NetworkSelector
{
    private readonly byte[][] _prefixes;
    private readonly int[] _prefixLengths;
    private readonly CompiledNetwork[] _networks;
    private readonly CompiledNetwork _fallback;

    public NetworkSelector(IReadOnlyList<(IPNetwork Range, CompiledNetwork Network)> ranges, CompiledNetwork fallback)
    {
        var ordered = new List<(IPNetwork Range, CompiledNetwork Network)>(ranges);
        ordered.Sort((a, b) => MappedPrefixLength(b.Range).CompareTo(MappedPrefixLength(a.Range)));
        _prefixes = new byte[ordered.Count][];
        _prefixLengths = new int[ordered.Count];
        _networks = new CompiledNetwork[ordered.Count];
        for (var i = 0; i < ordered.Count; i++)
        {
            _prefixes[i] = ToMapped(ordered[i].Range.BaseAddress);
            _prefixLengths[i] = MappedPrefixLength(ordered[i].Range);
            _networks[i] = ordered[i].Network;
        }

        _fallback = fallback;
    }

    /// <summary>The network of a client whose address is given as 16 bytes (IPv4 as ::ffff:a.b.c.d).</summary>
    public CompiledNetwork Select(ReadOnlySpan<byte> mappedAddress)
    {
        for (var i = 0; i < _prefixes.Length; i++)
        {
            if (PrefixMatches(_prefixes[i], mappedAddress, _prefixLengths[i]))
            {
                return _networks[i];
            }
        }

        return _fallback;
    }

    public static byte[] ToMapped(IPAddress address) =>
        (address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address).GetAddressBytes();

    private static int MappedPrefixLength(IPNetwork range) =>
        range.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? range.PrefixLength + 96 : range.PrefixLength;

    private static bool PrefixMatches(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> address, int prefixLength)
    {
        var fullBytes = prefixLength >> 3;
        if (!address[..fullBytes].SequenceEqual(prefix[..fullBytes]))
        {
            return false;
        }

        var remainingBits = prefixLength & 7;
        if (remainingBits == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - remainingBits));
        return (address[fullBytes] & mask) == (prefix[fullBytes] & mask);
    }
}
