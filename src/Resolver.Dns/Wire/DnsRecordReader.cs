using System.Buffers.Binary;

namespace Resolver.Dns.Wire;

/// <summary>Walks resource records from a position in a message, validating each name and length.</summary>
public ref struct DnsRecordReader
{
    private readonly ReadOnlySpan<byte> _message;

    public DnsRecordReader(ReadOnlySpan<byte> message, int position)
    {
        _message = message;
        Position = position;
    }

    public int Position { get; private set; }

    public bool TryRead(out DnsRecord record)
    {
        record = default;
        var nameOffset = Position;
        if (!DnsName.TrySkip(_message, nameOffset, out var fixedStart) || fixedStart + 10 > _message.Length)
        {
            return false;
        }

        var fields = _message.Slice(fixedStart, 10);
        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(fields);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(fields[2..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(fields[4..]);
        var rdataLength = BinaryPrimitives.ReadUInt16BigEndian(fields[8..]);
        var rdataOffset = fixedStart + 10;
        if (rdataOffset + rdataLength > _message.Length)
        {
            return false;
        }

        record = new DnsRecord(nameOffset, type, @class, ttl, rdataOffset, rdataLength);
        Position = rdataOffset + rdataLength;
        return true;
    }

    /// <summary>Reads the question entry (name, type, class) at the current position.</summary>
    public bool TryReadQuestion(out DnsRecordType type, out ushort @class, out int nameWireLength)
    {
        type = default;
        @class = 0;
        if (!DnsName.TryRead(_message, Position, out var end, out nameWireLength) || end + 4 > _message.Length)
        {
            return false;
        }

        type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(_message[end..]);
        @class = BinaryPrimitives.ReadUInt16BigEndian(_message[(end + 2)..]);
        Position = end + 4;
        return true;
    }
}
