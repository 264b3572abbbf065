namespace Resolver.Dns.Wire;

/// <summary>Where one resource record sits in a message; the bytes stay in the message.</summary>
public readonly struct DnsRecord
{
    public DnsRecord(int nameOffset, DnsRecordType type, ushort @class, uint ttl, int rdataOffset, int rdataLength)
    {
        NameOffset = nameOffset;
        Type = type;
        Class = @class;
        Ttl = ttl;
        RDataOffset = rdataOffset;
        RDataLength = rdataLength;
    }

    public int NameOffset { get; }

    public DnsRecordType Type { get; }

    public ushort Class { get; }

    public uint Ttl { get; }

    /// <summary>Offset of the 4-byte TTL field, for patching it in place.</summary>
    public int TtlOffset => RDataOffset - 6;

    public int RDataOffset { get; }

    public int RDataLength { get; }

    public int End => RDataOffset + RDataLength;
}
