using Resolver.Dns.Wire;
using Resolver.Testing;
using Arsoft = ARSoft.Tools.Net.Dns;

namespace Resolver.Dns.Tests.Wire;

public sealed class DnsResponseWriterTests
{
    // 12-byte header + "www.example.com" (17) + type/class (4).
    private const int QuestionEnd = 33;

    [Theory]
    [InlineData(DnsResponseCode.FormErr)]
    [InlineData(DnsResponseCode.ServFail)]
    [InlineData(DnsResponseCode.NotImp)]
    [InlineData(DnsResponseCode.Refused)]
    public void WriteRcodeResponse_echoes_id_question_and_RD_and_sets_QR_RA_and_the_rcode(DnsResponseCode rcode)
    {
        var packet = TestMessage.Query("Www.Example.com", TestMessage.TypeAaaa, id: 0xCAFE);
        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));
        var response = new byte[512];

        var length = DnsResponseWriter.WriteRcodeResponse(packet, query, rcode, 1232, response);

        Assert.Equal(QuestionEnd, length);
        Assert.Equal(0xCAFE, DnsHeader.GetId(response));
        Assert.Equal(0x8180 | (int)rcode, DnsHeader.GetFlags(response));
        AssertCounts(response, 1, 0, 0, 0);
        Assert.Equal(packet[12..QuestionEnd], response[12..QuestionEnd]);

        var parsed = Arsoft.DnsMessage.Parse(response[..length]);
        Assert.Equal(0xCAFE, parsed.TransactionID);
        Assert.False(parsed.IsQuery);
        Assert.Equal((int)rcode, (int)parsed.ReturnCode);
        Assert.True(parsed.IsRecursionDesired);
        Assert.True(parsed.IsRecursionAllowed);
        Assert.False(parsed.IsTruncated);
        Assert.False(parsed.IsAuthoritiveAnswer);
        var question = Assert.Single(parsed.Questions);
        Assert.Equal("Www.Example.com.", question.Name.ToString());
        Assert.Equal(Arsoft.RecordType.Aaaa, question.RecordType);
        Assert.Equal(Arsoft.RecordClass.INet, question.RecordClass);
        Assert.Empty(parsed.AnswerRecords);
        Assert.Null(parsed.EDnsOptions);
    }

    [Fact]
    public void WriteRcodeResponse_drops_the_query_records_and_adds_a_fresh_OPT_when_the_query_had_edns()
    {
        var packet = PacketBuilder.Header(answers: 1, additional: 2).Question("www.example.com")
            .Pointer(12).RecordBody(1, 60, [192, 0, 2, 1])
            .Pointer(12).RecordBody(16, 60, [3, (byte)'a', (byte)'b', (byte)'c'])
            .Opt(payload: 4096, dnssecOk: true, options: PacketBuilder.Option(65001, 1, 2, 3))
            .ToArray();
        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));
        var response = new byte[512];

        var length = DnsResponseWriter.WriteRcodeResponse(packet, query, DnsResponseCode.ServFail, 1232, response);

        Assert.Equal(QuestionEnd + EdnsInfo.OptRecordSize, length);
        AssertCounts(response, 1, 0, 0, 1);
        // Root owner, type 41, payload 1232, extended RCODE 0, version 0, DO echoed, no options.
        Assert.Equal(Convert.FromHexString("00002904D0000080000000"), response[QuestionEnd..length]);

        var parsed = Arsoft.DnsMessage.Parse(response[..length]);
        Assert.Equal(Arsoft.ReturnCode.ServerFailure, parsed.ReturnCode);
        Assert.NotNull(parsed.EDnsOptions);
        Assert.Equal(1232, parsed.EDnsOptions.UdpPayloadSize);
        Assert.Equal(0, parsed.EDnsOptions.Version);
        Assert.True(parsed.IsDnsSecOk);
        Assert.Empty(parsed.EDnsOptions.Options);
        Assert.Empty(parsed.AnswerRecords);
        Assert.Single(parsed.AdditionalRecords);
    }

    [Fact]
    public void WriteRcodeResponse_BADVERS_puts_the_upper_rcode_bits_in_the_OPT_record()
    {
        var packet = PacketBuilder.Query("www.example.com", additional: 1).Opt(payload: 4096, version: 1).ToArray();
        Assert.Equal(DnsParseStatus.BadEdnsVersion, DnsQueryParser.Parse(packet, out var query));
        var response = new byte[512];

        var length = DnsResponseWriter.WriteRcodeResponse(packet, query, DnsResponseCode.BadVers, 1232, response);

        Assert.Equal(QuestionEnd + EdnsInfo.OptRecordSize, length);
        Assert.Equal(DnsResponseCode.NoError, DnsHeader.GetRcode(response));
        Assert.Equal(0x8180, DnsHeader.GetFlags(response));
        // Extended RCODE 1 (16 >> 4), version 0: the highest version this server speaks.
        Assert.Equal(Convert.FromHexString("00002904D0010000000000"), response[QuestionEnd..length]);

        var parsed = Arsoft.DnsMessage.Parse(response[..length]);
        Assert.Equal(Arsoft.ReturnCode.BadVersion, parsed.ReturnCode);
        Assert.Equal(0, parsed.EDnsOptions!.Version);
        Assert.Equal(1232, parsed.EDnsOptions.UdpPayloadSize);
    }

    [Fact]
    public void WriteRcodeResponse_keeps_the_opcode_and_CD_and_clears_AA_TC_AD()
    {
        // NOTIFY (opcode 4) with AA, TC, RD, AD and CD set.
        var packet = TestMessage.Query("www.example.com", TestMessage.TypeA, flags: 0x2730);
        Assert.Equal(DnsParseStatus.NotImplemented, DnsQueryParser.Parse(packet, out var query));
        var response = new byte[512];

        var length = DnsResponseWriter.WriteRcodeResponse(packet, query, DnsResponseCode.NotImp, 1232, response);

        Assert.Equal(QuestionEnd, length);
        Assert.Equal(0xA194, DnsHeader.GetFlags(response));
        var parsed = Arsoft.DnsMessage.Parse(response[..length]);
        Assert.Equal(Arsoft.OperationCode.Notify, parsed.OperationCode);
        Assert.Equal(Arsoft.ReturnCode.NotImplemented, parsed.ReturnCode);
        Assert.True(parsed.IsCheckingDisabled);
        Assert.False(parsed.IsAuthenticData);
        Assert.False(parsed.IsTruncated);
    }

    [Fact]
    public void WriteRcodeResponse_may_write_over_the_query_in_the_same_buffer()
    {
        var buffer = new byte[512];
        var packet = TestMessage.Query("www.example.com", TestMessage.TypeA, id: 0x0102, ednsPayload: 1232, ednsOptions: PacketBuilder.Option(12, new byte[40]));
        packet.CopyTo(buffer, 0);
        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(buffer.AsSpan(0, packet.Length), out var query));

        var length = DnsResponseWriter.WriteRcodeResponse(buffer, query, DnsResponseCode.ServFail, 1232, buffer);

        Assert.Equal(QuestionEnd + EdnsInfo.OptRecordSize, length);
        Assert.Equal(packet[12..QuestionEnd], buffer[12..QuestionEnd]);
        var parsed = Arsoft.DnsMessage.Parse(buffer[..length]);
        Assert.Equal(0x0102, parsed.TransactionID);
        Assert.Equal(Arsoft.ReturnCode.ServerFailure, parsed.ReturnCode);
        Assert.Equal("www.example.com.", parsed.Questions[0].Name.ToString());
        Assert.Equal(1232, parsed.EDnsOptions!.UdpPayloadSize);
        Assert.False(parsed.IsDnsSecOk);
    }

    [Fact]
    public void WriteRcodeResponse_returns_zero_when_the_destination_is_too_small_or_the_question_was_not_read()
    {
        var packet = TestMessage.Query("www.example.com", TestMessage.TypeA, ednsPayload: 1232);
        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));

        Assert.Equal(0, DnsResponseWriter.WriteRcodeResponse(packet, query, DnsResponseCode.ServFail, 1232, new byte[QuestionEnd + EdnsInfo.OptRecordSize - 1]));
        Assert.Equal(QuestionEnd + EdnsInfo.OptRecordSize, DnsResponseWriter.WriteRcodeResponse(packet, query, DnsResponseCode.ServFail, 1232, new byte[QuestionEnd + EdnsInfo.OptRecordSize]));

        var twoQuestions = PacketBuilder.Header(questions: 2).Question("a.example").Question("b.example").ToArray();
        Assert.Equal(DnsParseStatus.Malformed, DnsQueryParser.Parse(twoQuestions, out var unread));
        Assert.Equal(0, DnsResponseWriter.WriteRcodeResponse(twoQuestions, unread, DnsResponseCode.FormErr, 1232, new byte[512]));
    }

    [Fact]
    public void WriteHeaderOnly_answers_an_unreadable_query_with_id_opcode_and_RD_and_no_sections()
    {
        var packet = PacketBuilder.Header(id: 0x7777, flags: 0x0110, questions: 2, answers: 9, additional: 3).Bytes(0xC0, 0xFF, 0x40).ToArray();
        Assert.Equal(DnsParseStatus.Malformed, DnsQueryParser.Parse(packet, out _));
        var response = Enumerable.Repeat((byte)0xEE, 20).ToArray();

        var length = DnsResponseWriter.WriteHeaderOnly(packet, DnsResponseCode.FormErr, response);

        Assert.Equal(DnsHeader.Size, length);
        Assert.Equal(new byte[] { 0x77, 0x77, 0x81, 0x91, 0, 0, 0, 0, 0, 0, 0, 0 }, response[..length]);
        var parsed = Arsoft.DnsMessage.Parse(response[..length]);
        Assert.Equal(0x7777, parsed.TransactionID);
        Assert.False(parsed.IsQuery);
        Assert.Equal(Arsoft.ReturnCode.FormatError, parsed.ReturnCode);
        Assert.True(parsed.IsRecursionDesired);
        Assert.True(parsed.IsRecursionAllowed);
        Assert.Empty(parsed.Questions);
    }

    [Fact]
    public void WriteHeaderOnly_keeps_the_opcode_for_NOTIMP_and_returns_zero_for_a_short_query_or_destination()
    {
        var packet = PacketBuilder.Header(flags: 0x2800, questions: 0).ToArray();
        var response = new byte[DnsHeader.Size];

        Assert.Equal(DnsHeader.Size, DnsResponseWriter.WriteHeaderOnly(packet, DnsResponseCode.NotImp, response));

        Assert.Equal(0xA884, DnsHeader.GetFlags(response));
        var parsed = Arsoft.DnsMessage.Parse(response);
        Assert.Equal(Arsoft.OperationCode.Update, parsed.OperationCode);
        Assert.Equal(Arsoft.ReturnCode.NotImplemented, parsed.ReturnCode);
        Assert.Equal(0, DnsResponseWriter.WriteHeaderOnly(packet.AsSpan(0, 11), DnsResponseCode.FormErr, new byte[512]));
        Assert.Equal(0, DnsResponseWriter.WriteHeaderOnly(packet, DnsResponseCode.FormErr, new byte[11]));
    }

    [Theory]
    [InlineData(1232, 0, false, "00002904D0000000000000")]
    [InlineData(512, 1, true, "0000290200010080000000")]
    public void WriteOpt_writes_an_11_byte_OPT_record(int payload, byte extendedRcode, bool dnssecOk, string expectedHex)
    {
        var destination = Enumerable.Repeat((byte)0xEE, 12).ToArray();

        Assert.Equal(EdnsInfo.OptRecordSize, DnsResponseWriter.WriteOpt(destination, (ushort)payload, extendedRcode, dnssecOk));

        Assert.Equal(Convert.FromHexString(expectedHex), destination[..11]);
        Assert.Equal(0xEE, destination[11]);
    }

    [Fact]
    public void Truncate_sets_TC_and_keeps_only_the_question_and_the_OPT_record()
    {
        var option = PacketBuilder.Option(65001, 0xAB, 0xCD);
        var (response, optOffset) = LargeResponse(answers: 60, opt: b => b.Opt(payload: 4096, dnssecOk: true, options: option));
        var originalOpt = response[optOffset..];
        var buffer = new byte[response.Length];
        response.CopyTo(buffer, 0);

        var length = DnsResponseWriter.Truncate(buffer, response.Length, 512);

        Assert.Equal(QuestionEnd + originalOpt.Length, length);
        Assert.True(length <= 512);
        Assert.Equal(0x8380, DnsHeader.GetFlags(buffer));
        Assert.Equal(0x5151, DnsHeader.GetId(buffer));
        AssertCounts(buffer, 1, 0, 0, 1);
        Assert.Equal(response[12..QuestionEnd], buffer[12..QuestionEnd]);
        Assert.Equal(originalOpt, buffer[QuestionEnd..length]);

        var parsed = Arsoft.DnsMessage.Parse(buffer[..length]);
        Assert.True(parsed.IsTruncated);
        Assert.False(parsed.IsQuery);
        Assert.Equal(Arsoft.ReturnCode.NoError, parsed.ReturnCode);
        Assert.Equal("www.example.com.", parsed.Questions[0].Name.ToString());
        Assert.Equal(Arsoft.RecordType.A, parsed.Questions[0].RecordType);
        Assert.Empty(parsed.AnswerRecords);
        Assert.Empty(parsed.AuthorityRecords);
        var opt = Assert.IsType<Arsoft.OptRecord>(Assert.Single(parsed.AdditionalRecords));
        Assert.Equal(4096, opt.UdpPayloadSize);
        Assert.True(opt.IsDnsSecOk);
        var unknown = Assert.IsType<Arsoft.UnknownOption>(Assert.Single(opt.Options));
        Assert.Equal((Arsoft.EDnsOptionType)65001, unknown.Type);
        Assert.Equal(new byte[] { 0xAB, 0xCD }, unknown.Data);
    }

    [Fact]
    public void Truncate_without_OPT_leaves_header_and_question_and_keeps_the_rcode()
    {
        var (response, _) = LargeResponse(answers: 40, opt: null, flags: 0x8183);
        var buffer = response.ToArray();

        var length = DnsResponseWriter.Truncate(buffer, buffer.Length, 512);

        Assert.Equal(QuestionEnd, length);
        AssertCounts(buffer, 1, 0, 0, 0);
        var parsed = Arsoft.DnsMessage.Parse(buffer[..length]);
        Assert.True(parsed.IsTruncated);
        Assert.Equal(Arsoft.ReturnCode.NxDomain, parsed.ReturnCode);
        Assert.Null(parsed.EDnsOptions);
        Assert.Single(parsed.Questions);
        Assert.Empty(parsed.AuthorityRecords);
    }

    [Fact]
    public void Truncate_shrinks_an_OPT_that_does_not_fit_to_a_bare_one_keeping_payload_DO_and_extended_rcode()
    {
        var padding = PacketBuilder.Option(12, new byte[600]);
        var (response, _) = LargeResponse(answers: 10, opt: b => b.Opt(payload: 1400, extendedRcode: 1, dnssecOk: true, options: padding));
        var buffer = response.ToArray();

        var length = DnsResponseWriter.Truncate(buffer, buffer.Length, 512);

        Assert.Equal(QuestionEnd + EdnsInfo.OptRecordSize, length);
        Assert.Equal(Convert.FromHexString("0000290578010080000000"), buffer[QuestionEnd..length]);
        var parsed = Arsoft.DnsMessage.Parse(buffer[..length]);
        Assert.Equal(Arsoft.ReturnCode.BadVersion, parsed.ReturnCode);
        Assert.Equal(1400, parsed.EDnsOptions!.UdpPayloadSize);
        Assert.True(parsed.IsDnsSecOk);
        Assert.Empty(parsed.EDnsOptions.Options);
    }

    [Fact]
    public void Truncate_of_a_response_without_a_readable_question_leaves_only_the_header()
    {
        var buffer = PacketBuilder.Header(id: 0x0A0B, flags: 0x8182, questions: 1, answers: 3).Bytes(0x3F, 1, 2, 3).ToArray();

        var length = DnsResponseWriter.Truncate(buffer, buffer.Length, 512);

        Assert.Equal(DnsHeader.Size, length);
        Assert.Equal(new byte[] { 0x0A, 0x0B, 0x83, 0x82, 0, 0, 0, 0, 0, 0, 0, 0 }, buffer[..length]);
        var parsed = Arsoft.DnsMessage.Parse(buffer[..length]);
        Assert.True(parsed.IsTruncated);
        Assert.Equal(Arsoft.ReturnCode.ServerFailure, parsed.ReturnCode);
    }

    /// <summary>
    /// A response to "www.example.com A" (ID 0x5151, NOERROR with RD+RA unless <paramref name="flags"/> says otherwise): <paramref name="answers"/> A records,
    /// one NS record in authority, one glue A record in additional, then the OPT record <paramref name="opt"/> writes.
    /// </summary>
    private static (byte[] Response, int OptOffset) LargeResponse(int answers, Func<PacketBuilder, PacketBuilder>? opt, ushort flags = 0x8180)
    {
        var builder = PacketBuilder.Header(id: 0x5151, flags: flags, answers: (ushort)answers, authority: 1, additional: opt is null ? (ushort)1 : (ushort)2)
            .Question("www.example.com");
        for (var i = 0; i < answers; i++)
        {
            builder.Pointer(12).RecordBody(1, 300, [192, 0, 2, (byte)i]);
        }

        var nsOffset = builder.Length + 12;
        builder.Pointer(16).RecordBody(2, 300, PacketBuilder.Header().Labels("ns1").Pointer(16).ToArray()[12..]);
        builder.Pointer(nsOffset).RecordBody(1, 300, [192, 0, 2, 53]);
        var optOffset = builder.Length;
        if (opt is not null)
        {
            opt(builder);
        }

        return (builder.ToArray(), optOffset);
    }

    private static void AssertCounts(ReadOnlySpan<byte> message, int questions, int answers, int authority, int additional)
    {
        Assert.Equal(questions, DnsHeader.GetQuestionCount(message));
        Assert.Equal(answers, DnsHeader.GetAnswerCount(message));
        Assert.Equal(authority, DnsHeader.GetAuthorityCount(message));
        Assert.Equal(additional, DnsHeader.GetAdditionalCount(message));
    }
}
