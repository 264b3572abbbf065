using System.Buffers.Binary;

namespace Resolver.Dns.Wire;

/// <summary>
/// Writes a response to a client's query into a caller-given buffer: header and question first, then
/// answer records one by one (names written uncompressed, except the question name, which records
/// point back to), then the counts and an OPT record. Used for locally made answers.
/// </summary>
public ref struct DnsAnswerBuilder
{
    private const ushort QuestionNamePointer = 0xC000 | DnsQuery.NameOffset;

    private readonly Span<byte> _destination;
    private readonly DnsQuery _query;
    private int _position;
    private ushort _answers;
    private DnsResponseCode _rcode;

    /// <summary>Starts the response: the query's header turned into a response header, and its question.</summary>
    public DnsAnswerBuilder(ReadOnlySpan<byte> query, in DnsQuery parsed, DnsResponseCode rcode, Span<byte> destination)
    {
        _destination = destination;
        _query = parsed;
        _rcode = rcode;
        query[..parsed.QuestionEnd].CopyTo(destination);
        _position = parsed.QuestionEnd;
    }

    public readonly int Length => _position;

    public DnsResponseCode ResponseCode
    {
        readonly get => _rcode;
        set => _rcode = value;
    }

    /// <summary>Adds <c>question-name CNAME target</c> (target in uncompressed wire form).</summary>
    public bool TryAddCname(uint ttl, ReadOnlySpan<byte> targetWireName) =>
        TryAddQuestionNameRecord(DnsRecordType.CNAME, ttl, targetWireName);

    /// <summary>Adds a record owned by the question name with the given RDATA (an address, for instance).</summary>
    public bool TryAddQuestionNameRecord(DnsRecordType type, uint ttl, ReadOnlySpan<byte> rdata)
    {
        var size = 2 + 10 + rdata.Length;
        if (_position + size > _destination.Length - EdnsInfo.OptRecordSize)
        {
            return false;
        }

        var record = _destination[_position..];
        BinaryPrimitives.WriteUInt16BigEndian(record, QuestionNamePointer);
        WriteFixed(record[2..], type, 1, ttl, (ushort)rdata.Length);
        rdata.CopyTo(record[12..]);
        _position += size;
        _answers++;
        return true;
    }

    /// <summary>
    /// Copies a record of another message, expanding its owner name and the names inside the RDATA of the
    /// types that carry them (RFC 3597 3: only the well-known types may be compressed), so the copy stands alone.
    /// </summary>
    public bool TryCopyRecord(ReadOnlySpan<byte> message, in DnsRecord record)
    {
        var start = _position;
        var room = _destination[..^EdnsInfo.OptRecordSize];
        var nameLength = DnsName.CopyExpanded(message, record.NameOffset, room[_position..]);
        if (nameLength == 0 || _position + nameLength + 10 > room.Length)
        {
            return false;
        }

        var fixedAt = _position + nameLength;
        var rdataAt = fixedAt + 10;
        var rdataLength = CopyRData(message, record, room[rdataAt..]);
        if (rdataLength < 0)
        {
            _position = start;
            return false;
        }

        WriteFixed(room[fixedAt..], record.Type, record.Class, record.Ttl, (ushort)rdataLength);
        _position = rdataAt + rdataLength;
        _answers++;
        return true;
    }

    /// <summary>Writes the counts and, when the client used EDNS, an OPT record; returns the message length.</summary>
    public int Finish(ushort udpPayloadSize)
    {
        var hasEdns = _query.Edns.IsPresent;
        DnsHeader.SetFlags(_destination, DnsHeader.ResponseFlagsFor(_query.Flags, _rcode));
        DnsHeader.SetCounts(_destination, 1, _answers, 0, hasEdns ? (ushort)1 : (ushort)0);
        if (hasEdns)
        {
            _position += DnsResponseWriter.WriteOpt(_destination[_position..], udpPayloadSize, (byte)((ushort)_rcode >> 4), _query.Edns.DnssecOk);
        }

        return _position;
    }

    private static void WriteFixed(Span<byte> destination, DnsRecordType type, ushort @class, uint ttl, ushort rdataLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], @class);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ttl);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], rdataLength);
    }

    private static int CopyRData(ReadOnlySpan<byte> message, in DnsRecord record, Span<byte> destination)
    {
        var rdata = message.Slice(record.RDataOffset, record.RDataLength);
        switch (record.Type)
        {
            case DnsRecordType.CNAME:
            case DnsRecordType.DNAME:
            case DnsRecordType.NS:
            case DnsRecordType.PTR:
                return ExpandName(message, record.RDataOffset, destination, prefix: 0);
            case DnsRecordType.MX:
                return record.RDataLength < 3 ? -1 : ExpandName(message, record.RDataOffset, destination, prefix: 2);
            case DnsRecordType.SRV:
                return record.RDataLength < 7 ? -1 : ExpandName(message, record.RDataOffset, destination, prefix: 6);
            case DnsRecordType.SOA:
                return ExpandSoa(message, record, destination);
            default:
                if (rdata.Length > destination.Length)
                {
                    return -1;
                }

                rdata.CopyTo(destination);
                return rdata.Length;
        }
    }

    private static int ExpandName(ReadOnlySpan<byte> message, int rdataOffset, Span<byte> destination, int prefix)
    {
        if (destination.Length < prefix || !DnsName.TrySkip(message, rdataOffset + prefix, out _))
        {
            return -1;
        }

        message.Slice(rdataOffset, prefix).CopyTo(destination);
        var nameLength = DnsName.CopyExpanded(message, rdataOffset + prefix, destination[prefix..]);
        return nameLength == 0 ? -1 : prefix + nameLength;
    }

    private static int ExpandSoa(ReadOnlySpan<byte> message, in DnsRecord record, Span<byte> destination)
    {
        if (!DnsName.TrySkip(message, record.RDataOffset, out var rnameOffset) || !DnsName.TrySkip(message, rnameOffset, out var numbersOffset)
            || numbersOffset + 20 > record.End)
        {
            return -1;
        }

        var mname = DnsName.CopyExpanded(message, record.RDataOffset, destination);
        var rname = mname == 0 ? 0 : DnsName.CopyExpanded(message, rnameOffset, destination[mname..]);
        if (rname == 0 || mname + rname + 20 > destination.Length)
        {
            return -1;
        }

        message.Slice(numbersOffset, 20).CopyTo(destination[(mname + rname)..]);
        return mname + rname + 20;
    }
}
