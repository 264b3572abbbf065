using System.Buffers.Binary;

namespace Resolver.Testing;

/// <summary>Answers that carry an OPT record of the test's choosing (payload size, DO bit, options).</summary>
public static class TestEdns
{
    /// <summary>One EDNS option: code, length, data (RFC 6891 6.1.2).</summary>
    public static byte[] Option(ushort code, params byte[] data)
    {
        var option = new byte[4 + data.Length];
        BinaryPrimitives.WriteUInt16BigEndian(option, code);
        BinaryPrimitives.WriteUInt16BigEndian(option.AsSpan(2), (ushort)data.Length);
        data.CopyTo(option, 4);
        return option;
    }

    /// <summary>
    /// <see cref="TestMessage.Answer"/> plus an OPT record in the additional section advertising
    /// <paramref name="payload"/>, with the DO bit as given and <paramref name="options"/> as its RDATA.
    /// </summary>
    public static byte[] Answer(ReadOnlySpan<byte> query, IReadOnlyList<TestRecord> records, ushort payload = 1232, bool dnssecOk = false, byte[]? options = null, byte rcode = 0)
    {
        var answer = TestMessage.Answer(query, records, rcode);
        var rdata = options ?? [];
        var opt = new byte[11 + rdata.Length];
        opt[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(opt.AsSpan(1), TestMessage.TypeOpt);
        BinaryPrimitives.WriteUInt16BigEndian(opt.AsSpan(3), payload);
        BinaryPrimitives.WriteUInt16BigEndian(opt.AsSpan(7), dnssecOk ? (ushort)0x8000 : (ushort)0);
        BinaryPrimitives.WriteUInt16BigEndian(opt.AsSpan(9), (ushort)rdata.Length);
        rdata.CopyTo(opt, 11);
        var message = new byte[answer.Length + opt.Length];
        answer.CopyTo(message, 0);
        opt.CopyTo(message, answer.Length);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(10), 1);
        return message;
    }
}
