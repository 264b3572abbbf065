using System.Net;
using System.Net.Sockets;

namespace Resolver.Firewall.Addresses;

/// <summary>
/// An address range as the query path compares it: the base address as 16 bytes (IPv4 mapped into IPv6,
/// as client addresses arrive) and the prefix length counted on those 128 bits. Matching allocates nothing.
/// </summary>
public sealed class MappedPrefix
{
    private readonly byte[] _prefix;

    public MappedPrefix(IPNetwork network)
    {
        var mapped = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
        _prefix = ToMapped(network.BaseAddress);
        Length = mapped ? network.PrefixLength + 96 : network.PrefixLength;
    }

    /// <summary>The prefix length on the 128-bit mapped form (an IPv4 /8 is 104).</summary>
    public int Length { get; }

    public static byte[] ToMapped(IPAddress address) =>
        (address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address).GetAddressBytes();

    /// <summary>Whether an address given as 16 bytes (IPv4 as ::ffff:a.b.c.d) lies in the range.</summary>
    public bool Contains(ReadOnlySpan<byte> mappedAddress)
    {
        var fullBytes = Length >> 3;
        if (!mappedAddress[..fullBytes].SequenceEqual(_prefix.AsSpan(0, fullBytes)))
        {
            return false;
        }

        var remainingBits = Length & 7;
        if (remainingBits == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - remainingBits));
        return (mappedAddress[fullBytes] & mask) == (_prefix[fullBytes] & mask);
    }
}
