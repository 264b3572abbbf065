namespace Resolver.Dns.Wire;

/// <summary>The parsed facts of a client query, by offset into the packet it was read from.</summary>
public readonly struct DnsQuery
{
    public DnsQuery(ushort id, ushort flags, int nameWireLength, DnsRecordType type, ushort @class, int questionEnd, EdnsInfo edns)
    {
        Id = id;
        Flags = flags;
        NameWireLength = nameWireLength;
        Type = type;
        Class = @class;
        QuestionEnd = questionEnd;
        Edns = edns;
    }

    /// <summary>The question name of a query always starts right after the header.</summary>
    public const int NameOffset = DnsHeader.Size;

    public ushort Id { get; }

    public ushort Flags { get; }

    public int NameWireLength { get; }

    public DnsRecordType Type { get; }

    public ushort Class { get; }

    public int QuestionEnd { get; }

    public EdnsInfo Edns { get; }

    public bool RecursionDesired => (Flags & DnsHeader.FlagRd) != 0;

    public bool CheckingDisabled => (Flags & DnsHeader.FlagCd) != 0;

    /// <summary>
    /// The largest UDP response this client accepts: 512 without EDNS, else what it advertises,
    /// at least 512 and at most <paramref name="serverCap"/>.
    /// </summary>
    public int MaxUdpResponseSize(int serverCap) =>
        Edns.IsPresent ? Math.Clamp(Edns.UdpPayloadSize, EdnsInfo.MinimumUdpPayload, Math.Max(serverCap, EdnsInfo.MinimumUdpPayload)) : EdnsInfo.MinimumUdpPayload;
}
