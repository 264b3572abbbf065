namespace Resolver.Dns.Wire;

/// <summary>What the OPT pseudo-record of a message says (RFC 6891 6.1).</summary>
public readonly struct EdnsInfo
{
    public const int OptRecordSize = 11;

    /// <summary>DNS servers must treat an advertised payload below this as this (RFC 6891 6.2.5).</summary>
    public const ushort MinimumUdpPayload = 512;

    public EdnsInfo(int optOffset, int optLength, ushort udpPayloadSize, byte extendedRcode, byte version, bool dnssecOk)
    {
        OptOffset = optOffset;
        OptLength = optLength;
        UdpPayloadSize = udpPayloadSize;
        ExtendedRcode = extendedRcode;
        Version = version;
        DnssecOk = dnssecOk;
    }

    public bool IsPresent => OptLength > 0;

    /// <summary>Offset of the whole OPT record, 0 when absent.</summary>
    public int OptOffset { get; }

    public int OptLength { get; }

    public ushort UdpPayloadSize { get; }

    public byte ExtendedRcode { get; }

    public byte Version { get; }

    public bool DnssecOk { get; }
}
