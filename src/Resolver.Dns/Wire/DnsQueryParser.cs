namespace Resolver.Dns.Wire;

/// <summary>
/// Parses a client query in place: header, the single question, and every further record so that
/// the OPT record is found and validated. Nothing is copied and nothing allocated.
/// </summary>
public static class DnsQueryParser
{
    public static DnsParseStatus Parse(ReadOnlySpan<byte> packet, out DnsQuery query)
    {
        query = default;
        if (packet.Length < DnsHeader.Size)
        {
            return DnsParseStatus.HeaderTooShort;
        }

        var flags = DnsHeader.GetFlags(packet);
        if ((flags & DnsHeader.FlagQr) != 0)
        {
            return DnsParseStatus.NotAQuery;
        }

        var id = DnsHeader.GetId(packet);

        // Other opcodes (IQUERY, NOTIFY, UPDATE, DSO) may legitimately carry no question: whatever their
        // shape, the answer is NOTIMP (RFC 3425, RFC 8490), header-only when there is no question to echo.
        if (DnsHeader.GetOpcode(flags) != 0 && DnsHeader.GetQuestionCount(packet) != 1)
        {
            query = new DnsQuery(id, flags, 0, 0, 0, 0, default);
            return DnsParseStatus.NotImplemented;
        }

        if (DnsHeader.GetQuestionCount(packet) != 1)
        {
            query = new DnsQuery(id, flags, 0, 0, 0, 0, default);
            return DnsParseStatus.Malformed;
        }

        var reader = new DnsRecordReader(packet, DnsHeader.Size);
        if (!reader.TryReadQuestion(out var type, out var @class, out var nameLength))
        {
            query = new DnsQuery(id, flags, 0, 0, 0, 0, default);
            return DnsParseStatus.Malformed;
        }

        var questionEnd = reader.Position;

        // Nothing precedes the question but the header, so a compression pointer there is never legitimate.
        if (questionEnd - 4 - DnsHeader.Size != nameLength)
        {
            query = new DnsQuery(id, flags, 0, 0, 0, 0, default);
            return DnsParseStatus.Malformed;
        }

        var opcodeIsQuery = DnsHeader.GetOpcode(flags) == 0;
        if (!TryFindOpt(packet, ref reader, out var edns))
        {
            query = new DnsQuery(id, flags, nameLength, type, @class, questionEnd, default);
            return DnsParseStatus.Malformed;
        }

        query = new DnsQuery(id, flags, nameLength, type, @class, questionEnd, edns);
        if (!opcodeIsQuery)
        {
            return DnsParseStatus.NotImplemented;
        }

        return edns.IsPresent && edns.Version != 0 ? DnsParseStatus.BadEdnsVersion : DnsParseStatus.Ok;
    }

    /// <summary>
    /// Reads the answer, authority and additional sections after the question and extracts the OPT
    /// record. Fails on any truncated record, an OPT outside the additional section, an OPT whose owner
    /// is not the root, more than one OPT, or options that do not exactly fill its RDATA.
    /// </summary>
    public static bool TryFindOpt(ReadOnlySpan<byte> message, ref DnsRecordReader reader, out EdnsInfo edns)
    {
        edns = default;
        var beforeAdditional = DnsHeader.GetAnswerCount(message) + DnsHeader.GetAuthorityCount(message);
        var total = beforeAdditional + DnsHeader.GetAdditionalCount(message);
        for (var i = 0; i < total; i++)
        {
            if (!reader.TryRead(out var record))
            {
                return false;
            }

            if (record.Type != DnsRecordType.OPT)
            {
                continue;
            }

            if (i < beforeAdditional || edns.IsPresent || message[record.NameOffset] != 0 || !OptionsAreWellFormed(message.Slice(record.RDataOffset, record.RDataLength)))
            {
                return false;
            }

            edns = new EdnsInfo(
                record.NameOffset,
                record.End - record.NameOffset,
                record.Class,
                (byte)(record.Ttl >> 24),
                (byte)(record.Ttl >> 16),
                (record.Ttl & 0x8000) != 0);
        }

        return true;
    }

    private static bool OptionsAreWellFormed(ReadOnlySpan<byte> rdata)
    {
        var position = 0;
        while (position < rdata.Length)
        {
            if (position + 4 > rdata.Length)
            {
                return false;
            }

            var length = (rdata[position + 2] << 8) | rdata[position + 3];
            position += 4 + length;
        }

        return position == rdata.Length;
    }
}
