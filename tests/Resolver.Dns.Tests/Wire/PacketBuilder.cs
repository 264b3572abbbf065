using System.Text;

namespace Resolver.Dns.Tests.Wire;

/// <summary>
/// Writes raw DNS messages byte by byte, with no help from the code under test, so that a test can
/// say exactly which (possibly broken) bytes it feeds to the wire library.
/// </summary>
internal sealed class PacketBuilder
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    /// <summary>A query header: ID, flags (RD by default) and the four section counts.</summary>
    public static PacketBuilder Header(ushort id = 0x1234, ushort flags = 0x0100, ushort questions = 1, ushort answers = 0, ushort authority = 0, ushort additional = 0) =>
        new PacketBuilder().UInt16(id).UInt16(flags).UInt16(questions).UInt16(answers).UInt16(authority).UInt16(additional);

    /// <summary>A query for <paramref name="name"/> (type A, class IN by default) with the given additional count.</summary>
    public static PacketBuilder Query(string name, ushort type = 1, ushort additional = 0, ushort flags = 0x0100) =>
        Header(flags: flags, additional: additional).Question(name, type);

    public PacketBuilder Bytes(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public PacketBuilder Repeat(byte value, int count) => Bytes(Enumerable.Repeat(value, count).ToArray());

    public PacketBuilder UInt16(ushort value) => Bytes((byte)(value >> 8), (byte)value);

    public PacketBuilder UInt32(uint value) => UInt16((ushort)(value >> 16)).UInt16((ushort)value);

    /// <summary>Labels only, no terminating root label (follow with <see cref="Root"/> or <see cref="Pointer"/>).</summary>
    public PacketBuilder Labels(string dotted)
    {
        foreach (var label in dotted.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            _bytes.Add((byte)label.Length);
            _bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        return this;
    }

    public PacketBuilder Root() => Bytes(0);

    /// <summary>An uncompressed name ending with the root label.</summary>
    public PacketBuilder Name(string dotted) => Labels(dotted).Root();

    public PacketBuilder Pointer(int offset) => Bytes((byte)(0xC0 | (offset >> 8)), (byte)offset);

    public PacketBuilder Question(string name, ushort type = 1, ushort @class = 1) => Name(name).UInt16(type).UInt16(@class);

    /// <summary>TYPE, CLASS, TTL, RDLENGTH and RDATA of a record whose owner name was just written.</summary>
    public PacketBuilder RecordBody(ushort type, uint ttl, byte[] rdata, ushort @class = 1, ushort? rdLength = null) =>
        UInt16(type).UInt16(@class).UInt32(ttl).UInt16(rdLength ?? (ushort)rdata.Length).Bytes(rdata);

    /// <summary>An OPT pseudo-record (RFC 6891 6.1.2) owned by the root unless <paramref name="owner"/> says otherwise.</summary>
    public PacketBuilder Opt(ushort payload = 1232, byte extendedRcode = 0, byte version = 0, bool dnssecOk = false, byte[]? options = null, ushort? rdLength = null, string? owner = null)
    {
        if (owner is null)
        {
            Root();
        }
        else
        {
            Name(owner);
        }

        var rdata = options ?? [];
        return UInt16(41).UInt16(payload).Bytes(extendedRcode, version).UInt16(dnssecOk ? (ushort)0x8000 : (ushort)0)
            .UInt16(rdLength ?? (ushort)rdata.Length).Bytes(rdata);
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>One EDNS option: OPTION-CODE, OPTION-LENGTH, data.</summary>
    public static byte[] Option(ushort code, params byte[] data) =>
        [(byte)(code >> 8), (byte)code, (byte)(data.Length >> 8), (byte)data.Length, .. data];

    /// <summary>A dotted name of exactly <paramref name="wireLength"/> bytes in wire form, made of labels of at most 63 bytes.</summary>
    public static string NameOfWireLength(int wireLength)
    {
        var labels = new List<string>();
        var remaining = wireLength - 1;
        var letter = 'a';
        while (remaining > 0)
        {
            var size = Math.Min(63, remaining - 1);
            if (remaining - (size + 1) == 1)
            {
                // Never leave a single byte: it could only be an empty label.
                size--;
            }

            labels.Add(new string(letter, size));
            letter++;
            remaining -= size + 1;
        }

        return string.Join('.', labels);
    }
}
