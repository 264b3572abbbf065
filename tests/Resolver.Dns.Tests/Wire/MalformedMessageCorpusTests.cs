using System.Text;
using Resolver.Dns.Wire;
using Resolver.Testing;
using Arsoft = ARSoft.Tools.Net.Dns;

namespace Resolver.Dns.Tests.Wire;

/// <summary>
/// Hostile input for the query parser: a named corpus of broken packets, each with the status the server
/// reacts to, and a seeded fuzz pass cross-checked against an independent parser.
/// </summary>
public sealed class MalformedMessageCorpusTests
{
    private const int Seed = 12345;

    public static TheoryData<string, byte[], DnsParseStatus> Corpus()
    {
        var valid = TestMessage.Query("www.example.com", TestMessage.TypeA);
        var data = new TheoryData<string, byte[], DnsParseStatus>();
        for (var length = 0; length < DnsHeader.Size; length++)
        {
            data.Add($"truncated header, {length} bytes", valid[..length], DnsParseStatus.HeaderTooShort);
        }

        data.Add("header only, one question announced", valid[..DnsHeader.Size], DnsParseStatus.Malformed);
        data.Add("question count 2", PacketBuilder.Header(questions: 2).Question("a.example").Question("b.example").ToArray(), DnsParseStatus.Malformed);
        data.Add("name past the end", PacketBuilder.Header().Bytes(63).Bytes("example"u8.ToArray()).ToArray(), DnsParseStatus.Malformed);
        data.Add("qtype and qclass missing", valid[..(valid.Length - 4)], DnsParseStatus.Malformed);
        data.Add("pointer loop: question points at itself", PacketBuilder.Header().Pointer(12).UInt16(1).UInt16(1).ToArray(), DnsParseStatus.Malformed);
        data.Add("pointer loop: two pointers at each other", PacketBuilder.Header(authority: 0xC00A, additional: 0xC008).Pointer(10).UInt16(1).UInt16(1).ToArray(), DnsParseStatus.Malformed);
        data.Add("pointer loop: record owner points at itself", PacketBuilder.Query("example.com", additional: 1).Pointer(29).RecordBody(1, 0, [1, 2, 3, 4]).ToArray(), DnsParseStatus.Malformed);
        data.Add("forward pointer", PacketBuilder.Header().Pointer(14).Question("example.com").ToArray(), DnsParseStatus.Malformed);
        data.Add("64-byte label", PacketBuilder.Header().Bytes(64).Repeat((byte)'x', 64).Root().UInt16(1).UInt16(1).ToArray(), DnsParseStatus.Malformed);
        data.Add("reserved label type 0x80", PacketBuilder.Header().Bytes(0x81, (byte)'x').Root().UInt16(1).UInt16(1).ToArray(), DnsParseStatus.Malformed);
        data.Add("256-byte name", PacketBuilder.Header().Question(PacketBuilder.NameOfWireLength(256)).ToArray(), DnsParseStatus.Malformed);
        data.Add("255-byte name (control: accepted)", PacketBuilder.Header().Question(PacketBuilder.NameOfWireLength(255)).ToArray(), DnsParseStatus.Ok);
        data.Add("answer rdlength past the end", PacketBuilder.Header(answers: 1).Question("example.com").Pointer(12).RecordBody(1, 0, [1, 2], rdLength: 4).ToArray(), DnsParseStatus.Malformed);
        data.Add("bad OPT: two OPT records", PacketBuilder.Query("example.com", additional: 2).Opt().Opt(payload: 512).ToArray(), DnsParseStatus.Malformed);
        data.Add("bad OPT: in the answer section", PacketBuilder.Header(answers: 1).Question("example.com").Opt().ToArray(), DnsParseStatus.Malformed);
        data.Add("bad OPT: in the authority section", PacketBuilder.Header(authority: 1).Question("example.com").Opt().ToArray(), DnsParseStatus.Malformed);
        data.Add("bad OPT: option header cut", PacketBuilder.Query("example.com", additional: 1).Opt(options: [0xFD, 0xE9]).ToArray(), DnsParseStatus.Malformed);
        data.Add("bad OPT: option overruns rdata", PacketBuilder.Query("example.com", additional: 1).Opt(options: [0xFD, 0xE9, 0, 5, 1, 2, 3, 4]).ToArray(), DnsParseStatus.Malformed);
        data.Add("bad OPT: bytes left after the options", PacketBuilder.Query("example.com", additional: 1).Opt(options: [0xFD, 0xE9, 0, 0, 7]).ToArray(), DnsParseStatus.Malformed);
        data.Add("bad OPT: rdlength past the end", PacketBuilder.Query("example.com", additional: 1).Opt(rdLength: 1).ToArray(), DnsParseStatus.Malformed);
        data.Add("bad OPT: version 1", PacketBuilder.Query("example.com", additional: 1).Opt(version: 1).ToArray(), DnsParseStatus.BadEdnsVersion);
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Corpus_packet_gets_its_status_without_an_exception(string name, byte[] packet, DnsParseStatus expected)
    {
        var status = DnsParseStatus.Ok;
        var exception = Record.Exception(() => status = DnsQueryParser.Parse(packet, out _));

        Assert.Null(exception);
        Assert.True(expected == status, $"{name}: expected {expected}, got {status}");
    }

    [Fact]
    public void Every_Malformed_corpus_packet_still_gets_a_FORMERR_reply_that_an_independent_parser_reads()
    {
        foreach (var row in Corpus())
        {
            var (name, packet) = ((string)row[0], (byte[])row[1]);
            if ((DnsParseStatus)row[2] != DnsParseStatus.Malformed)
            {
                continue;
            }

            Assert.Equal(DnsParseStatus.Malformed, DnsQueryParser.Parse(packet, out var query));
            var reply = new byte[512];
            var length = DnsResponseWriter.WriteRcodeResponse(packet, query, DnsResponseCode.FormErr, 1232, reply);
            if (length == 0)
            {
                length = DnsResponseWriter.WriteHeaderOnly(packet, DnsResponseCode.FormErr, reply);
            }

            Assert.True(length >= DnsHeader.Size, name);
            var parsed = Arsoft.DnsMessage.Parse(reply[..length]);
            Assert.True(TestMessage.Id(packet) == parsed.TransactionID, name);
            Assert.False(parsed.IsQuery, name);
            Assert.True(parsed.ReturnCode == Arsoft.ReturnCode.FormatError, name);
            Assert.True(parsed.Questions.Count <= 1, name);
        }
    }

    [Fact]
    public void Seeded_mutations_of_valid_queries_never_throw_and_every_Ok_agrees_with_ARSoft()
    {
        var random = new Random(Seed);
        var seeds = SeedQueries();
        var ok = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var packet = Mutate(seeds[random.Next(seeds.Length)], random);
            if (ParseAndCrossCheck(packet))
            {
                ok++;
            }
        }

        // Many mutations (ID, flags, label bytes, qtype) keep a query valid: the cross-check must have run often.
        Assert.InRange(ok, 1_000, 20_000);
    }

    [Fact]
    public void Seeded_random_buffers_never_throw_and_every_Ok_agrees_with_ARSoft()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 10_000; i++)
        {
            var packet = new byte[random.Next(601)];
            random.NextBytes(packet);
            ParseAndCrossCheck(packet);
        }
    }

    [Fact]
    public void Seeded_random_records_after_a_valid_question_never_throw_and_every_Ok_agrees_with_ARSoft()
    {
        var random = new Random(Seed);
        var ok = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var builder = PacketBuilder.Header(id: (ushort)random.Next(65536), answers: (ushort)random.Next(3), authority: (ushort)random.Next(3), additional: (ushort)random.Next(3))
                .Question("fuzz.example", (ushort)random.Next(1, 300));
            var tail = new byte[random.Next(80)];
            random.NextBytes(tail);

            // Bias the tail towards zero bytes, short labels and pointers to the question so that records sometimes parse.
            for (var j = 0; j < tail.Length; j++)
            {
                tail[j] = random.Next(4) switch
                {
                    0 => 0,
                    1 => (byte)random.Next(4),
                    2 => j % 2 == 0 ? (byte)0xC0 : (byte)12,
                    _ => tail[j],
                };
            }

            if (ParseAndCrossCheck(builder.Bytes(tail).ToArray()))
            {
                ok++;
            }
        }

        Assert.InRange(ok, 100, 10_000);
    }

    private static byte[][] SeedQueries()
    {
        var buffer = new byte[512];
        var written = DnsQueryWriter.Write(buffer, 0x0102, "probe.example.net", DnsRecordType.TXT, 1232, dnssecOk: true);
        return
        [
            TestMessage.Query("www.example.com", TestMessage.TypeA),
            TestMessage.Query("Mixed.CASE.example.org", TestMessage.TypeAaaa, id: 0xFFFF, ednsPayload: 4096),
            TestMessage.Query("a.b.c.d.e.f.g", TestMessage.TypeTxt, ednsPayload: 1232, dnssecOk: true, ednsOptions: PacketBuilder.Option(65001, 1, 2, 3, 4)),
            TestMessage.Query("padded.example", TestMessage.TypeA, ednsPayload: 1400, ednsOptions: PacketBuilder.Option(12, new byte[16])),
            PacketBuilder.Header().Question(".", type: 2).ToArray(),
            PacketBuilder.Header().Question(PacketBuilder.NameOfWireLength(255), type: 255).ToArray(),
            PacketBuilder.Query("glue.example", additional: 2).Pointer(12).RecordBody(1, 60, [192, 0, 2, 1]).Opt(payload: 512).ToArray(),
            buffer[..written],
        ];
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var packet = seed.ToArray();
        switch (random.Next(4))
        {
            case 0:
                for (var flips = random.Next(1, 5); flips > 0; flips--)
                {
                    packet[random.Next(packet.Length)] ^= (byte)(1 << random.Next(8));
                }

                return packet;
            case 1:
                return packet[..random.Next(packet.Length)];
            case 2:
                for (var bytes = random.Next(1, 5); bytes > 0; bytes--)
                {
                    packet[random.Next(packet.Length)] = (byte)random.Next(256);
                }

                return packet;
            default:
                var extra = new byte[random.Next(1, 32)];
                random.NextBytes(extra);
                var at = random.Next(packet.Length + 1);
                return [.. packet[..at], .. extra, .. packet[at..]];
        }
    }

    /// <summary>Parses <paramref name="packet"/>; when it is Ok, ARSoft must parse it too and see the same question.</summary>
    private static bool ParseAndCrossCheck(byte[] packet)
    {
        DnsParseStatus status;
        DnsQuery query;
        try
        {
            status = DnsQueryParser.Parse(packet, out query);
        }
        catch (Exception exception)
        {
            Assert.Fail($"Parse threw {exception.GetType().Name} on {Convert.ToHexString(packet)}: {exception.Message}");
            throw;
        }

        if (status != DnsParseStatus.Ok)
        {
            return false;
        }

        var context = Convert.ToHexString(packet);
        Arsoft.DnsMessage parsed;
        try
        {
            parsed = Arsoft.DnsMessage.Parse(packet);
        }
        catch (Exception exception)
        {
            // ARSoft decodes the RDATA of every record type it knows (an A record must hold 4 bytes, a PTR a
            // name, ...); the parser only checks that records are well delimited, as a forwarder passes them on
            // unread. Then check that delimiting independently, and compare on what the parser vouches for:
            // the header, the question and the OPT record.
            Assert.True(RecordsAreDelimited(packet, query.QuestionEnd), context);
            parsed = ParseWithArsoft(HeaderQuestionAndOpt(packet, query), context, exception);
        }

        var question = Assert.Single(parsed.Questions);
        Assert.True(QuestionLabels(packet).SequenceEqual(question.Name.Labels, StringComparer.OrdinalIgnoreCase), context);
        Assert.True((ushort)query.Type == (ushort)question.RecordType, context);
        Assert.True(query.Class == (ushort)question.RecordClass, context);
        Assert.True(query.Id == parsed.TransactionID, context);
        Assert.True(query.Edns.IsPresent == (parsed.EDnsOptions is not null), context);
        if (parsed.EDnsOptions is not null)
        {
            Assert.True(query.Edns.UdpPayloadSize == parsed.EDnsOptions.UdpPayloadSize, context);
            Assert.True(query.Edns.DnssecOk == parsed.EDnsOptions.IsDnsSecOk, context);
        }

        return true;
    }

    private static Arsoft.DnsMessage ParseWithArsoft(byte[] packet, string context, Exception first)
    {
        try
        {
            return Arsoft.DnsMessage.Parse(packet);
        }
        catch (Exception exception)
        {
            Assert.Fail($"Ok for us, but ARSoft threw {first.GetType().Name} on {context} and {exception.GetType().Name} on its header, question and OPT: {exception.Message}");
            throw;
        }
    }

    /// <summary>Walks the counted records by their lengths alone, with its own bounds checks.</summary>
    private static bool RecordsAreDelimited(byte[] packet, int position)
    {
        var records = TestMessage.Count(packet, 1) + TestMessage.Count(packet, 2) + TestMessage.Count(packet, 3);
        for (var i = 0; i < records; i++)
        {
            while (position < packet.Length && packet[position] is not 0 && packet[position] < 0x40)
            {
                position += packet[position] + 1;
            }

            if (position >= packet.Length || packet[position] is >= 0x40 and < 0xC0)
            {
                return false;
            }

            position += packet[position] == 0 ? 1 : 2;
            if (position + 10 > packet.Length)
            {
                return false;
            }

            position += 10 + ((packet[position + 8] << 8) | packet[position + 9]);
            if (position > packet.Length)
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] HeaderQuestionAndOpt(byte[] packet, DnsQuery query)
    {
        var reduced = new List<byte>(packet[..query.QuestionEnd]);
        if (query.Edns.IsPresent)
        {
            reduced.AddRange(packet.AsSpan(query.Edns.OptOffset, query.Edns.OptLength).ToArray());
        }

        var bytes = reduced.ToArray();
        DnsHeader.SetCounts(bytes, 1, 0, 0, query.Edns.IsPresent ? (ushort)1 : (ushort)0);
        return bytes;
    }

    /// <summary>The question's labels read straight from the bytes (an Ok question is never compressed).</summary>
    private static List<string> QuestionLabels(byte[] packet)
    {
        var labels = new List<string>();
        var position = DnsHeader.Size;
        while (packet[position] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(packet, position + 1, packet[position]));
            position += packet[position] + 1;
        }

        return labels;
    }
}
