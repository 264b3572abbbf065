using System.Buffers.Binary;

namespace Resolver.Dns.Wire;

/// <summary>Offsets, flag bits and in-place accessors for the 12-byte DNS header (RFC 1035 4.1.1).</summary>
public static class DnsHeader
{
    public const int Size = 12;

    public const ushort FlagQr = 0x8000;
    public const ushort FlagAa = 0x0400;
    public const ushort FlagTc = 0x0200;
    public const ushort FlagRd = 0x0100;
    public const ushort FlagRa = 0x0080;
    public const ushort FlagAd = 0x0020;
    public const ushort FlagCd = 0x0010;
    public const ushort OpcodeMask = 0x7800;
    public const ushort RcodeMask = 0x000F;

    public static ushort GetId(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message);

    public static void SetId(Span<byte> message, ushort id) => BinaryPrimitives.WriteUInt16BigEndian(message, id);

    public static ushort GetFlags(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message[2..]);

    public static void SetFlags(Span<byte> message, ushort flags) => BinaryPrimitives.WriteUInt16BigEndian(message[2..], flags);

    public static int GetOpcode(ushort flags) => (flags & OpcodeMask) >> 11;

    public static DnsResponseCode GetRcode(ReadOnlySpan<byte> message) => (DnsResponseCode)(GetFlags(message) & RcodeMask);

    public static ushort GetQuestionCount(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message[4..]);

    public static ushort GetAnswerCount(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message[6..]);

    public static ushort GetAuthorityCount(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message[8..]);

    public static ushort GetAdditionalCount(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message[10..]);

    public static void SetCounts(Span<byte> message, ushort questions, ushort answers, ushort authority, ushort additional)
    {
        BinaryPrimitives.WriteUInt16BigEndian(message[4..], questions);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], answers);
        BinaryPrimitives.WriteUInt16BigEndian(message[8..], authority);
        BinaryPrimitives.WriteUInt16BigEndian(message[10..], additional);
    }

    /// <summary>Turns query flags into response flags: QR and RA set, opcode/RD/CD kept, AA/TC/AD cleared, RCODE set.</summary>
    public static ushort ResponseFlagsFor(ushort queryFlags, DnsResponseCode rcode) =>
        (ushort)(FlagQr | FlagRa | (queryFlags & (OpcodeMask | FlagRd | FlagCd)) | ((ushort)rcode & RcodeMask));
}
