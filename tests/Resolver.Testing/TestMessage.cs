using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Resolver.Testing;

/// <summary>
/// Builds and reads DNS messages with plain byte code, independently of the code under test, so that
/// a bug in our wire library cannot hide itself in both the server and its tests.
/// </summary>
public static class TestMessage
{
    public const ushort TypeA = 1;
    public const ushort TypeTxt = 16;
    public const ushort TypeAaaa = 28;
    public const ushort TypeCname = 5;
    public const ushort TypeOpt = 41;

    public static byte[] EncodeName(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    /// <summary>A query with RD set; with <paramref name="ednsPayload"/> non-zero an OPT record carrying <paramref name="ednsOptions"/>.</summary>
    public static byte[] Query(string name, ushort type, ushort id = 0x1234, ushort ednsPayload = 0, bool dnssecOk = false, byte[]? ednsOptions = null, ushort flags = 0x0100)
    {
        var bytes = new List<byte>();
        AddUInt16(bytes, id);
        AddUInt16(bytes, flags);
        AddUInt16(bytes, 1);
        AddUInt16(bytes, 0);
        AddUInt16(bytes, 0);
        AddUInt16(bytes, ednsPayload == 0 ? (ushort)0 : (ushort)1);
        bytes.AddRange(EncodeName(name));
        AddUInt16(bytes, type);
        AddUInt16(bytes, 1);
        if (ednsPayload != 0)
        {
            bytes.Add(0);
            AddUInt16(bytes, TypeOpt);
            AddUInt16(bytes, ednsPayload);
            bytes.Add(0);
            bytes.Add(0);
            AddUInt16(bytes, dnssecOk ? (ushort)0x8000 : (ushort)0);
            var options = ednsOptions ?? [];
            AddUInt16(bytes, (ushort)options.Length);
            bytes.AddRange(options);
        }

        return [.. bytes];
    }

    /// <summary>
    /// An answer to <paramref name="query"/>: its header and question (QR, RA set, <paramref name="rcode"/>),
    /// then the given records, each owned by the question name through a compression pointer.
    /// </summary>
    public static byte[] Answer(ReadOnlySpan<byte> query, IReadOnlyList<TestRecord> records, byte rcode = 0, bool truncated = false, bool withOpt = false)
    {
        var questionEnd = QuestionEnd(query);
        var bytes = new List<byte>(query[..questionEnd].ToArray());
        var flags = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(query[2..]) | 0x8000 | 0x0080 | rcode | (truncated ? 0x0200 : 0));
        bytes[2] = (byte)(flags >> 8);
        bytes[3] = (byte)flags;
        bytes[6] = (byte)(records.Count >> 8);
        bytes[7] = (byte)records.Count;
        bytes[8] = 0;
        bytes[9] = 0;
        bytes[10] = 0;
        bytes[11] = withOpt ? (byte)1 : (byte)0;
        foreach (var record in records)
        {
            bytes.Add(0xC0);
            bytes.Add(0x0C);
            AddUInt16(bytes, record.Type);
            AddUInt16(bytes, 1);
            AddUInt32(bytes, record.Ttl);
            AddUInt16(bytes, (ushort)record.Data.Length);
            bytes.AddRange(record.Data);
        }

        if (withOpt)
        {
            bytes.AddRange(new byte[] { 0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0 });
        }

        return [.. bytes];
    }

    public static TestRecord A(string address, uint ttl = 300) => new(TypeA, ttl, IPAddress.Parse(address).GetAddressBytes());

    /// <summary>A TXT record of one or more character strings (each at most 255 bytes).</summary>
    public static TestRecord Txt(uint ttl, params string[] strings)
    {
        var data = new List<byte>();
        foreach (var text in strings)
        {
            data.Add((byte)text.Length);
            data.AddRange(Encoding.ASCII.GetBytes(text));
        }

        return new TestRecord(TypeTxt, ttl, [.. data]);
    }

    public static ushort Id(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message);

    public static ushort Flags(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message[2..]);

    public static int Rcode(ReadOnlySpan<byte> message) => Flags(message) & 0xF;

    public static bool IsTruncated(ReadOnlySpan<byte> message) => (Flags(message) & 0x0200) != 0;

    public static ushort Count(ReadOnlySpan<byte> message, int section) => BinaryPrimitives.ReadUInt16BigEndian(message[(4 + (2 * section))..]);

    /// <summary>The question name as written (case kept), without trailing dot.</summary>
    public static string QuestionName(ReadOnlySpan<byte> message)
    {
        var labels = new List<string>();
        var position = 12;
        while (message[position] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(message.Slice(position + 1, message[position])));
            position += message[position] + 1;
        }

        return string.Join('.', labels);
    }

    public static ushort QuestionType(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message[(QuestionEnd(message) - 4)..]);

    public static int QuestionEnd(ReadOnlySpan<byte> message)
    {
        var position = 12;
        while (message[position] != 0)
        {
            position += message[position] + 1;
        }

        return position + 5;
    }

    /// <summary>Finds the OPT record of a query written by <see cref="Query"/> or a similar simple message; null if none.</summary>
    public static (ushort Payload, bool DnssecOk, byte[] Options)? FindOpt(ReadOnlySpan<byte> message)
    {
        var position = QuestionEnd(message);
        var records = Count(message, 1) + Count(message, 2) + Count(message, 3);
        for (var i = 0; i < records; i++)
        {
            position = SkipName(message, position);
            var type = BinaryPrimitives.ReadUInt16BigEndian(message[position..]);
            var rdLength = BinaryPrimitives.ReadUInt16BigEndian(message[(position + 8)..]);
            if (type == TypeOpt)
            {
                var payload = BinaryPrimitives.ReadUInt16BigEndian(message[(position + 2)..]);
                var dnssecOk = (BinaryPrimitives.ReadUInt16BigEndian(message[(position + 6)..]) & 0x8000) != 0;
                return (payload, dnssecOk, message.Slice(position + 10, rdLength).ToArray());
            }

            position += 10 + rdLength;
        }

        return null;
    }

    private static int SkipName(ReadOnlySpan<byte> message, int position)
    {
        while (true)
        {
            var label = message[position];
            if (label == 0)
            {
                return position + 1;
            }

            if ((label & 0xC0) == 0xC0)
            {
                return position + 2;
            }

            position += label + 1;
        }
    }

    private static void AddUInt16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }

    private static void AddUInt32(List<byte> bytes, uint value)
    {
        AddUInt16(bytes, (ushort)(value >> 16));
        AddUInt16(bytes, (ushort)value);
    }
}
