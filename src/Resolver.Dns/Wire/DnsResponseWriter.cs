using System.Buffers.Binary;

namespace Resolver.Dns.Wire;

/// <summary>Synthesizes and reshapes responses in caller-given buffers.</summary>
public static class DnsResponseWriter
{
    /// <summary>
    /// Writes a response made of the query's header and question, the given RCODE and, if the query had
    /// EDNS, an OPT record advertising <paramref name="udpPayloadSize"/>. The query and the destination may
    /// be the same buffer. Returns the length, or 0 when the destination is too small.
    /// </summary>
    public static int WriteRcodeResponse(ReadOnlySpan<byte> query, in DnsQuery parsed, DnsResponseCode rcode, ushort udpPayloadSize, Span<byte> destination)
    {
        var questionEnd = parsed.QuestionEnd;
        var hasEdns = parsed.Edns.IsPresent;
        var length = questionEnd + (hasEdns ? EdnsInfo.OptRecordSize : 0);
        if (questionEnd < DnsHeader.Size || length > destination.Length)
        {
            return 0;
        }

        query[..questionEnd].CopyTo(destination);
        DnsHeader.SetFlags(destination, DnsHeader.ResponseFlagsFor(parsed.Flags, rcode));
        DnsHeader.SetCounts(destination, 1, 0, 0, hasEdns ? (ushort)1 : (ushort)0);
        if (hasEdns)
        {
            WriteOpt(destination[questionEnd..], udpPayloadSize, (byte)((ushort)rcode >> 4), parsed.Edns.DnssecOk);
        }

        return length;
    }

    /// <summary>
    /// Writes a header-only response (no question) for a query whose body cannot be trusted: the ID, the
    /// opcode and RD are echoed, QR is set and the counts are zero.
    /// </summary>
    public static int WriteHeaderOnly(ReadOnlySpan<byte> query, DnsResponseCode rcode, Span<byte> destination)
    {
        if (query.Length < DnsHeader.Size || destination.Length < DnsHeader.Size)
        {
            return 0;
        }

        var flags = DnsHeader.GetFlags(query);
        DnsHeader.SetId(destination, DnsHeader.GetId(query));
        DnsHeader.SetFlags(destination, DnsHeader.ResponseFlagsFor(flags, rcode));
        DnsHeader.SetCounts(destination, 0, 0, 0, 0);
        return DnsHeader.Size;
    }

    /// <summary>Writes an OPT pseudo-record with no options (RFC 6891 6.1.2) and returns its size.</summary>
    public static int WriteOpt(Span<byte> destination, ushort udpPayloadSize, byte extendedRcode, bool dnssecOk)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)DnsRecordType.OPT);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], udpPayloadSize);
        destination[5] = extendedRcode;
        destination[6] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[7..], dnssecOk ? (ushort)0x8000 : (ushort)0);
        BinaryPrimitives.WriteUInt16BigEndian(destination[9..], 0);
        return EdnsInfo.OptRecordSize;
    }

    /// <summary>
    /// Cuts a response that exceeds <paramref name="maxSize"/> down to header, question and OPT, with TC
    /// set, in place (RFC 2181 9, RFC 6891 7). The OPT record is kept so that the client still sees the
    /// extended RCODE and the server's payload size. Returns the new length.
    /// </summary>
    public static int Truncate(Span<byte> response, int length, int maxSize)
    {
        var message = response[..length];
        var flags = (ushort)(DnsHeader.GetFlags(message) | DnsHeader.FlagTc);
        DnsHeader.SetFlags(response, flags);
        var reader = new DnsRecordReader(message, DnsHeader.Size);
        if (DnsHeader.GetQuestionCount(message) != 1 || !reader.TryReadQuestion(out _, out _, out _))
        {
            DnsHeader.SetCounts(response, 0, 0, 0, 0);
            return DnsHeader.Size;
        }

        var questionEnd = reader.Position;
        ushort additional = 0;
        var newLength = questionEnd;
        if (DnsQueryParser.TryFindOpt(message, ref reader, out var edns) && edns.IsPresent)
        {
            additional = 1;
            if (questionEnd + edns.OptLength <= maxSize)
            {
                message.Slice(edns.OptOffset, edns.OptLength).CopyTo(response[questionEnd..]);
                newLength += edns.OptLength;
            }
            else
            {
                newLength += WriteOpt(response[questionEnd..], edns.UdpPayloadSize, edns.ExtendedRcode, edns.DnssecOk);
            }
        }

        DnsHeader.SetCounts(response, 1, 0, 0, additional);
        return newLength;
    }
}
