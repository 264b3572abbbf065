using System.Buffers.Binary;

namespace Resolver.Dns.Wire;

/// <summary>Builds queries from text, for health probes, tools and tests.</summary>
public static class DnsQueryWriter
{
    /// <summary>Writes a standard query with RD set and, when <paramref name="ednsUdpPayload"/> is non-zero, an OPT record.</summary>
    public static int Write(Span<byte> destination, ushort id, string name, DnsRecordType type, ushort ednsUdpPayload = 0, bool dnssecOk = false)
    {
        Span<byte> wireName = stackalloc byte[DnsName.MaxWireLength];
        if (!DnsName.TryEncode(name, wireName, out var nameLength))
        {
            throw new ArgumentException($"'{name}' is not a valid domain name.", nameof(name));
        }

        return Write(destination, id, DnsHeader.FlagRd, wireName[..nameLength], type, ednsUdpPayload, dnssecOk);
    }

    /// <summary>
    /// Writes a query for a name already in wire form, with the given header flags (RD, CD) and, when
    /// <paramref name="ednsUdpPayload"/> is non-zero, an OPT record. Returns the length.
    /// </summary>
    public static int Write(Span<byte> destination, ushort id, ushort flags, ReadOnlySpan<byte> wireName, DnsRecordType type, ushort ednsUdpPayload, bool dnssecOk)
    {
        DnsHeader.SetId(destination, id);
        DnsHeader.SetFlags(destination, flags);
        DnsHeader.SetCounts(destination, 1, 0, 0, ednsUdpPayload == 0 ? (ushort)0 : (ushort)1);
        wireName.CopyTo(destination[DnsHeader.Size..]);
        var position = DnsHeader.Size + wireName.Length;
        BinaryPrimitives.WriteUInt16BigEndian(destination[position..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(position + 2)..], 1);
        position += 4;
        if (ednsUdpPayload != 0)
        {
            position += DnsResponseWriter.WriteOpt(destination[position..], ednsUdpPayload, 0, dnssecOk);
        }

        return position;
    }
}
