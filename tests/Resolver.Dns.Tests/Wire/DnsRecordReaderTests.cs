using Resolver.Dns.Wire;
using Arsoft = ARSoft.Tools.Net.Dns;

namespace Resolver.Dns.Tests.Wire;

public sealed class DnsRecordReaderTests
{
    // "www.example.com" A IN at 12..33, then three answers:
    //   at 33: ptr(12)               CNAME ttl 300  -> "web" + ptr(16) ("web.example.com")
    //   at 51: ptr(45) (the target)   A ttl 60       -> 192.0.2.7
    //   at 67: "v6" + ptr(45)         AAAA ttl 3600  -> 2001:db8::1
    private static readonly byte[] Response = PacketBuilder.Header(id: 0x2222, flags: 0x8180, answers: 3).Question("www.example.com")
        .Pointer(12).RecordBody(5, 300, [3, (byte)'w', (byte)'e', (byte)'b', 0xC0, 16])
        .Pointer(45).RecordBody(1, 60, [192, 0, 2, 7])
        .Labels("v6").Pointer(45).RecordBody(28, 3600, Convert.FromHexString("20010DB8000000000000000000000001"))
        .ToArray();

    [Fact]
    public void TryRead_walks_answers_with_compressed_owner_names()
    {
        var reader = new DnsRecordReader(Response, 33);

        Assert.True(reader.TryRead(out var cname));
        Assert.Equal(33, cname.NameOffset);
        Assert.Equal(DnsRecordType.CNAME, cname.Type);
        Assert.Equal(1, cname.Class);
        Assert.Equal(300u, cname.Ttl);
        Assert.Equal(45, cname.RDataOffset);
        Assert.Equal(6, cname.RDataLength);
        Assert.Equal(51, cname.End);
        Assert.Equal(39, cname.TtlOffset);
        Assert.Equal(51, reader.Position);
        Assert.Equal("www.example.com.", DnsName.ToText(Response, cname.NameOffset));
        Assert.Equal("web.example.com.", DnsName.ToText(Response, cname.RDataOffset));

        Assert.True(reader.TryRead(out var a));
        Assert.Equal(51, a.NameOffset);
        Assert.Equal(DnsRecordType.A, a.Type);
        Assert.Equal(60u, a.Ttl);
        Assert.Equal(new byte[] { 192, 0, 2, 7 }, Response.AsSpan(a.RDataOffset, a.RDataLength).ToArray());
        Assert.Equal("web.example.com.", DnsName.ToText(Response, a.NameOffset));

        Assert.True(reader.TryRead(out var aaaa));
        Assert.Equal(DnsRecordType.AAAA, aaaa.Type);
        Assert.Equal(3600u, aaaa.Ttl);
        Assert.Equal(16, aaaa.RDataLength);
        Assert.Equal("v6.web.example.com.", DnsName.ToText(Response, aaaa.NameOffset));
        Assert.Equal(Response.Length, aaaa.End);
        Assert.Equal(Response.Length, reader.Position);

        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void Records_read_agree_with_an_independent_parser()
    {
        var parsed = Arsoft.DnsMessage.Parse(Response);
        var reader = new DnsRecordReader(Response, 33);

        Assert.Equal(3, parsed.AnswerRecords.Count);
        foreach (var expected in parsed.AnswerRecords)
        {
            Assert.True(reader.TryRead(out var record));
            Assert.Equal(expected.Name.ToString(), DnsName.ToText(Response, record.NameOffset));
            Assert.Equal((ushort)expected.RecordType, (ushort)record.Type);
            Assert.Equal((ushort)expected.RecordClass, record.Class);
            Assert.Equal(expected.TimeToLive, (int)record.Ttl);
        }
    }

    [Fact]
    public void TtlOffset_points_at_the_ttl_for_patching_in_place()
    {
        var message = Response.ToArray();
        var reader = new DnsRecordReader(message, 33);
        Assert.True(reader.TryRead(out _));
        Assert.True(reader.TryRead(out var a));

        message[a.TtlOffset + 3] = 42;

        Assert.Equal(42, Arsoft.DnsMessage.Parse(message).AnswerRecords[1].TimeToLive);
    }

    [Fact]
    public void TryRead_rejects_an_rdlength_past_the_end_and_accepts_one_ending_exactly_there()
    {
        var tooLong = PacketBuilder.Header(answers: 1).Question("example.com")
            .Pointer(12).RecordBody(1, 60, [192, 0, 2, 1], rdLength: 5)
            .ToArray();
        var exact = PacketBuilder.Header(answers: 2).Question("example.com")
            .Pointer(12).RecordBody(1, 60, [192, 0, 2, 1])
            .Pointer(12).RecordBody(10, 60, [])
            .ToArray();
        var rejecting = new DnsRecordReader(tooLong, 29);
        var accepting = new DnsRecordReader(exact, 29);

        Assert.False(rejecting.TryRead(out _));
        Assert.True(accepting.TryRead(out _));
        Assert.True(accepting.TryRead(out var empty));
        Assert.Equal(DnsRecordType.NULL, empty.Type);
        Assert.Equal(0, empty.RDataLength);
        Assert.Equal(exact.Length, empty.End);
    }

    [Fact]
    public void TryRead_rejects_a_record_cut_in_its_owner_or_fixed_fields_or_with_a_forward_pointer_owner()
    {
        var full = PacketBuilder.Header(answers: 1).Question("example.com").Pointer(12).RecordBody(1, 60, []).ToArray();
        var forward = PacketBuilder.Header(answers: 1).Question("example.com").Pointer(31).RecordBody(1, 60, [192, 0, 2, 1]).ToArray();

        foreach (var kept in new[] { 0, 1, 2, 11 })
        {
            var reader = new DnsRecordReader(full.AsSpan(0, 29 + kept), 29);
            Assert.False(reader.TryRead(out _));
        }

        var forwardReader = new DnsRecordReader(forward, 29);
        Assert.False(forwardReader.TryRead(out _));
    }

    [Fact]
    public void TryReadQuestion_reads_type_class_and_name_length_and_needs_room_for_both()
    {
        var reader = new DnsRecordReader(Response, DnsHeader.Size);
        var cut = new DnsRecordReader(Response.AsSpan(0, 32), DnsHeader.Size);

        Assert.True(reader.TryReadQuestion(out var type, out var @class, out var nameWireLength));
        Assert.Equal(DnsRecordType.A, type);
        Assert.Equal(1, @class);
        Assert.Equal(17, nameWireLength);
        Assert.Equal(33, reader.Position);
        Assert.True(reader.TryRead(out var first));
        Assert.Equal(DnsRecordType.CNAME, first.Type);
        Assert.False(cut.TryReadQuestion(out _, out _, out _));
    }
}
