using System.Net;
using Resolver.Firewall.Addresses;

namespace Resolver.Firewall.Evaluation;

/// <summary>
/// Picks a client's network: the most specific range that contains its address. Ranges are kept as
/// 16-byte IPv6 (IPv4 mapped) sorted by prefix length, longest first, so the first hit wins.
/// </summary>
internal sealed class NetworkSelector
{
    private readonly MappedPrefix[] _prefixes;
    private readonly CompiledNetwork[] _networks;
    private readonly CompiledNetwork _fallback;

    public NetworkSelector(IReadOnlyList<(IPNetwork Range, CompiledNetwork Network)> ranges, CompiledNetwork fallback)
    {
        var ordered = new List<(MappedPrefix Prefix, CompiledNetwork Network)>(ranges.Count);
        foreach (var (range, network) in ranges)
        {
            ordered.Add((new MappedPrefix(range), network));
        }

        ordered.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
        _prefixes = new MappedPrefix[ordered.Count];
        _networks = new CompiledNetwork[ordered.Count];
        for (var i = 0; i < ordered.Count; i++)
        {
            _prefixes[i] = ordered[i].Prefix;
            _networks[i] = ordered[i].Network;
        }

        _fallback = fallback;
    }

    /// <summary>The network of a client whose address is given as 16 bytes (IPv4 as ::ffff:a.b.c.d).</summary>
    public CompiledNetwork Select(ReadOnlySpan<byte> mappedAddress)
    {
        for (var i = 0; i < _prefixes.Length; i++)
        {
            if (_prefixes[i].Contains(mappedAddress))
            {
                return _networks[i];
            }
        }

        return _fallback;
    }

    public static byte[] ToMapped(IPAddress address) => MappedPrefix.ToMapped(address);
}
