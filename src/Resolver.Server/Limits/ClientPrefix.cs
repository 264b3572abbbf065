using System.Buffers.Binary;

namespace Resolver.Server.Limits;

/// <summary>
/// Groups client addresses by prefix (IPv4 /32 and IPv6 /64 by default) and hashes the group for the limit
/// tables. The hash is seeded per process (<see cref="HashCode"/>), so an outsider cannot choose addresses
/// that land in a victim's bucket.
/// </summary>
internal readonly struct ClientPrefix
{
    private readonly ulong _v4Mask;
    private readonly ulong _v6HighMask;
    private readonly ulong _v6LowMask;

    public ClientPrefix(int ipv4PrefixLength, int ipv6PrefixLength)
    {
        // An IPv4 address is mapped (::ffff:a.b.c.d): its 32 bits are the low half of the low word.
        _v4Mask = ipv4PrefixLength == 0 ? 0 : uint.MaxValue << (32 - ipv4PrefixLength);
        _v6HighMask = Mask(Math.Min(ipv6PrefixLength, 64));
        _v6LowMask = Mask(Math.Max(ipv6PrefixLength - 64, 0));
    }

    /// <summary>The bucket of a client given as 16 bytes (IPv4 mapped), in a table of <paramref name="size"/> (a power of two).</summary>
    public int Slot(ReadOnlySpan<byte> mappedAddress, int size)
    {
        var high = BinaryPrimitives.ReadUInt64BigEndian(mappedAddress);
        var low = BinaryPrimitives.ReadUInt64BigEndian(mappedAddress[8..]);
        if (high == 0 && (low >> 32) == 0xFFFF)
        {
            low = (low & _v4Mask) | (0xFFFFUL << 32);
        }
        else
        {
            high &= _v6HighMask;
            low &= _v6LowMask;
        }

        return HashCode.Combine(high, low) & (size - 1);
    }

    private static ulong Mask(int bits) => bits == 0 ? 0 : ulong.MaxValue << (64 - bits);
}
