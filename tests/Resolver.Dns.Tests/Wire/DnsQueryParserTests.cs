using Resolver.Dns.Wire;
using Resolver.Testing;

namespace Resolver.Dns.Tests.Wire;

/// <summary>Statuses and fields of well-formed and specific queries; the broken-packet corpus is in <see cref="MalformedMessageCorpusTests"/>.</summary>
public sealed class DnsQueryParserTests
{
    // 12-byte header + "www.example.com" (17) + type/class (4).
    private const int QuestionEnd = 33;

    [Fact]
    public void Plain_query_is_Ok_and_its_fields_are_read()
    {
        var packet = TestMessage.Query("www.example.com", TestMessage.TypeAaaa, id: 0xBEEF);

        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));

        Assert.Equal(0xBEEF, query.Id);
        Assert.Equal(0x0100, query.Flags);
        Assert.True(query.RecursionDesired);
        Assert.False(query.CheckingDisabled);
        Assert.Equal(DnsRecordType.AAAA, query.Type);
        Assert.Equal(1, query.Class);
        Assert.Equal(17, query.NameWireLength);
        Assert.Equal(QuestionEnd, query.QuestionEnd);
        Assert.False(query.Edns.IsPresent);
        Assert.Equal("www.example.com.", DnsName.ToText(packet, DnsQuery.NameOffset));
    }

    [Fact]
    public void Root_query_with_CD_without_RD_and_another_class_is_Ok_and_reported_as_sent()
    {
        var packet = PacketBuilder.Header(flags: 0x0010).Question(".", type: 2, @class: 3).ToArray();

        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));

        Assert.Equal(0x0010, query.Flags);
        Assert.False(query.RecursionDesired);
        Assert.True(query.CheckingDisabled);
        Assert.Equal(DnsRecordType.NS, query.Type);
        Assert.Equal(3, query.Class);
        Assert.Equal(1, query.NameWireLength);
        Assert.Equal(17, query.QuestionEnd);
    }

    [Fact]
    public void Fewer_than_12_bytes_is_HeaderTooShort()
    {
        var packet = TestMessage.Query("example.com", TestMessage.TypeA);

        Assert.Equal(DnsParseStatus.HeaderTooShort, DnsQueryParser.Parse([], out _));
        Assert.Equal(DnsParseStatus.HeaderTooShort, DnsQueryParser.Parse(packet.AsSpan(0, 11), out _));
    }

    [Fact]
    public void QR_set_is_NotAQuery_whatever_follows()
    {
        var response = TestMessage.Query("example.com", TestMessage.TypeA, flags: 0x8180);
        var brokenResponse = PacketBuilder.Header(flags: 0x8180, questions: 7).Bytes(0xC0).ToArray();

        Assert.Equal(DnsParseStatus.NotAQuery, DnsQueryParser.Parse(response, out _));
        Assert.Equal(DnsParseStatus.NotAQuery, DnsQueryParser.Parse(brokenResponse, out _));
    }

    [Fact]
    public void Question_count_other_than_one_is_Malformed_keeping_id_and_flags_for_the_reply()
    {
        var none = PacketBuilder.Header(id: 0x4242, flags: 0x0110, questions: 0).Question("a.example").ToArray();
        var two = PacketBuilder.Header(id: 0x4242, flags: 0x0110, questions: 2).Question("a.example").Question("b.example").ToArray();

        Assert.Equal(DnsParseStatus.Malformed, DnsQueryParser.Parse(none, out var first));
        Assert.Equal(DnsParseStatus.Malformed, DnsQueryParser.Parse(two, out var second));

        Assert.Equal(0x4242, first.Id);
        Assert.Equal(0x0110, first.Flags);
        Assert.Equal(0, first.QuestionEnd);
        Assert.Equal(0x4242, second.Id);
        Assert.Equal(0, second.QuestionEnd);
    }

    public static TheoryData<string, byte[]> UnreadableQuestions => new()
    {
        { "name past the end", PacketBuilder.Header().Bytes(20).Bytes("short"u8.ToArray()).ToArray() },
        { "name compressed through the header", PacketBuilder.Header().Labels("a").Pointer(11).UInt16(1).UInt16(1).ToArray() },
        { "qtype and qclass missing", PacketBuilder.Header().Name("example.com").Bytes(0, 1, 0).ToArray() },
    };

    [Theory]
    [MemberData(nameof(UnreadableQuestions))]
    public void Unreadable_question_is_Malformed(string name, byte[] packet)
    {
        Assert.True(DnsParseStatus.Malformed == DnsQueryParser.Parse(packet, out var query), name);
        Assert.Equal(0x1234, query.Id);
        Assert.Equal(0, query.QuestionEnd);
    }

    [Theory]
    [InlineData(1)] // IQUERY (obsolete, RFC 3425)
    [InlineData(4)] // NOTIFY
    [InlineData(5)] // UPDATE
    public void Opcode_other_than_QUERY_is_NotImplemented_with_the_question_kept(int opcode)
    {
        var packet = TestMessage.Query("example.com", TestMessage.TypeA, flags: (ushort)(0x0100 | (opcode << 11)));

        Assert.Equal(DnsParseStatus.NotImplemented, DnsQueryParser.Parse(packet, out var query));

        Assert.Equal(opcode, DnsHeader.GetOpcode(query.Flags));
        Assert.Equal(29, query.QuestionEnd);
        Assert.Equal(DnsRecordType.A, query.Type);
    }

    [Fact]
    public void Opcode_other_than_QUERY_is_NotImplemented_even_when_its_message_carries_no_question()
    {
        // RFC 1035 6.4.1: an inverse query (IQUERY, opcode 1) has QDCOUNT 0 and one answer; RFC 3425 3 asks for NOTIMP.
        // RFC 8490 5.4: a DSO message (opcode 6) has QDCOUNT 0; a server without DSO answers NOTIMP (5.1).
        var inverse = PacketBuilder.Header(flags: 0x0800, questions: 0, answers: 1).Root().RecordBody(1, 60, [192, 0, 2, 1]).ToArray();
        var dso = PacketBuilder.Header(flags: 0x3000, questions: 0).Bytes(0, 1, 0, 2, 0x75, 0x30).ToArray();

        Assert.Equal(DnsParseStatus.NotImplemented, DnsQueryParser.Parse(inverse, out var inverseQuery));
        Assert.Equal(DnsParseStatus.NotImplemented, DnsQueryParser.Parse(dso, out var dsoQuery));
        Assert.Equal(1, DnsHeader.GetOpcode(inverseQuery.Flags));
        Assert.Equal(6, DnsHeader.GetOpcode(dsoQuery.Flags));
    }

    [Fact]
    public void Edns_fields_are_read_from_the_OPT_record()
    {
        var packet = TestMessage.Query("www.example.com", TestMessage.TypeA, ednsPayload: 1232, dnssecOk: true);

        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));

        Assert.True(query.Edns.IsPresent);
        Assert.Equal(1232, query.Edns.UdpPayloadSize);
        Assert.True(query.Edns.DnssecOk);
        Assert.Equal(0, query.Edns.Version);
        Assert.Equal(0, query.Edns.ExtendedRcode);
        Assert.Equal(QuestionEnd, query.Edns.OptOffset);
        Assert.Equal(EdnsInfo.OptRecordSize, query.Edns.OptLength);
        Assert.Equal(QuestionEnd, query.QuestionEnd);
        Assert.Equal(1232, query.MaxUdpResponseSize(4096));
    }

    [Fact]
    public void DnssecOk_comes_from_the_DO_bit_alone()
    {
        var withoutDo = TestMessage.Query("www.example.com", TestMessage.TypeA, ednsPayload: 4096);
        var otherBitsSet = PacketBuilder.Query("example.com", additional: 1).Root().UInt16(41).UInt16(1400).Bytes(0, 0).UInt16(0x7FFF).UInt16(0).ToArray();

        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(withoutDo, out var first));
        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(otherBitsSet, out var second));

        Assert.Equal(4096, first.Edns.UdpPayloadSize);
        Assert.False(first.Edns.DnssecOk);
        Assert.Equal(1400, second.Edns.UdpPayloadSize);
        Assert.False(second.Edns.DnssecOk);
    }

    [Fact]
    public void Edns_version_above_zero_is_BadEdnsVersion_with_the_fields_kept()
    {
        var version1 = PacketBuilder.Query("www.example.com", additional: 1).Opt(payload: 1400, version: 1, dnssecOk: true).ToArray();
        var version255 = PacketBuilder.Query("www.example.com", additional: 1).Opt(version: 255).ToArray();

        Assert.Equal(DnsParseStatus.BadEdnsVersion, DnsQueryParser.Parse(version1, out var query));
        Assert.Equal(DnsParseStatus.BadEdnsVersion, DnsQueryParser.Parse(version255, out _));

        Assert.Equal(1, query.Edns.Version);
        Assert.Equal(1400, query.Edns.UdpPayloadSize);
        Assert.True(query.Edns.DnssecOk);
        Assert.Equal(QuestionEnd, query.QuestionEnd);
    }

    [Fact]
    public void Unknown_opcode_wins_over_a_bad_edns_version()
    {
        var packet = PacketBuilder.Query("example.com", additional: 1, flags: 0x2000).Opt(version: 1).ToArray();

        Assert.Equal(DnsParseStatus.NotImplemented, DnsQueryParser.Parse(packet, out _));
    }

    [Fact]
    public void Unknown_edns_option_is_accepted_and_left_untouched_in_the_packet()
    {
        var options = PacketBuilder.Option(65001, 0xDE, 0xAD, 0xBE, 0xEF).Concat(PacketBuilder.Option(12)).ToArray();
        var packet = TestMessage.Query("www.example.com", TestMessage.TypeA, ednsPayload: 1232, ednsOptions: options);
        var original = packet.ToArray();

        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));

        Assert.Equal(original, packet);
        Assert.Equal(QuestionEnd, query.Edns.OptOffset);
        Assert.Equal(EdnsInfo.OptRecordSize + options.Length, query.Edns.OptLength);
        Assert.Equal(options, packet.AsSpan(query.Edns.OptOffset + EdnsInfo.OptRecordSize, options.Length).ToArray());
        Assert.Equal(packet.Length, query.Edns.OptOffset + query.Edns.OptLength);
    }

    [Fact]
    public void OPT_is_found_after_answer_authority_and_other_additional_records_and_empty_rdata_is_fine()
    {
        var packet = PacketBuilder.Header(answers: 1, authority: 1, additional: 2).Question("www.example.com")
            .Pointer(12).RecordBody(1, 60, [192, 0, 2, 1])
            .Pointer(16).RecordBody(2, 60, [2, (byte)'n', (byte)'s', 0xC0, 16])
            .Pointer(12).RecordBody(1, 300, [192, 0, 2, 2])
            .Opt(payload: 2048, options: [])
            .ToArray();

        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));

        Assert.Equal(packet.Length - EdnsInfo.OptRecordSize, query.Edns.OptOffset);
        Assert.Equal(2048, query.Edns.UdpPayloadSize);
    }

    [Fact]
    public void Bad_OPT_is_Malformed_with_the_question_kept_for_a_FORMERR_reply()
    {
        var packet = PacketBuilder.Query("example.com", additional: 1).Opt(owner: "example.com").ToArray();

        Assert.Equal(DnsParseStatus.Malformed, DnsQueryParser.Parse(packet, out var query));

        Assert.Equal(0x1234, query.Id);
        Assert.Equal(29, query.QuestionEnd);
        Assert.Equal(DnsRecordType.A, query.Type);
        Assert.False(query.Edns.IsPresent);
    }

    [Theory]
    [InlineData(false, 0, 4096, 512)] // no EDNS: the RFC 1035 limit
    [InlineData(true, 4096, 1232, 1232)] // capped by the server
    [InlineData(true, 1000, 1232, 1000)] // the client's size when below the cap
    [InlineData(true, 100, 1232, 512)] // below 512 treated as 512 (RFC 6891 6.2.5)
    [InlineData(true, 4096, 256, 512)] // a cap below 512 still allows 512
    public void MaxUdpResponseSize_is_512_without_edns_else_the_advertised_size_within_512_and_the_cap(bool edns, int advertised, int cap, int expected)
    {
        var info = edns ? new EdnsInfo(QuestionEnd, EdnsInfo.OptRecordSize, (ushort)advertised, 0, 0, false) : default;
        var query = new DnsQuery(1, 0x0100, 17, DnsRecordType.A, 1, QuestionEnd, info);

        Assert.Equal(expected, query.MaxUdpResponseSize(cap));
    }
}
