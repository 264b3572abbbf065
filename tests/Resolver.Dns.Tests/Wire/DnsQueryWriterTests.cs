using Resolver.Dns.Wire;
using Resolver.Testing;
using Arsoft = ARSoft.Tools.Net.Dns;

namespace Resolver.Dns.Tests.Wire;

public sealed class DnsQueryWriterTests
{
    [Fact]
    public void Write_produces_a_plain_query_with_RD_that_an_independent_parser_reads_back()
    {
        var buffer = new byte[512];

        var length = DnsQueryWriter.Write(buffer, 0xD00D, "Www.Example.com", DnsRecordType.MX);

        Assert.Equal(12 + 17 + 4, length);
        Assert.Equal(TestMessage.Query("Www.Example.com", 15, id: 0xD00D), buffer[..length]);
        var parsed = Arsoft.DnsMessage.Parse(buffer[..length]);
        Assert.Equal(0xD00D, parsed.TransactionID);
        Assert.True(parsed.IsQuery);
        Assert.Equal(Arsoft.OperationCode.Query, parsed.OperationCode);
        Assert.True(parsed.IsRecursionDesired);
        var question = Assert.Single(parsed.Questions);
        Assert.Equal("Www.Example.com.", question.Name.ToString());
        Assert.Equal(Arsoft.RecordType.Mx, question.RecordType);
        Assert.Equal(Arsoft.RecordClass.INet, question.RecordClass);
        Assert.Null(parsed.EDnsOptions);
        Assert.Empty(parsed.AnswerRecords);
    }

    [Theory]
    [InlineData(1232, false)]
    [InlineData(4096, true)]
    public void Write_adds_an_OPT_record_when_asked(int payload, bool dnssecOk)
    {
        var buffer = new byte[512];

        var length = DnsQueryWriter.Write(buffer, 0x0001, "example.org.", DnsRecordType.AAAA, (ushort)payload, dnssecOk);

        Assert.Equal(12 + 13 + 4 + EdnsInfo.OptRecordSize, length);
        Assert.Equal(TestMessage.Query("example.org", TestMessage.TypeAaaa, id: 1, ednsPayload: (ushort)payload, dnssecOk: dnssecOk), buffer[..length]);
        var parsed = Arsoft.DnsMessage.Parse(buffer[..length]);
        Assert.Equal("example.org.", parsed.Questions[0].Name.ToString());
        Assert.Equal(Arsoft.RecordType.Aaaa, parsed.Questions[0].RecordType);
        Assert.NotNull(parsed.EDnsOptions);
        Assert.Equal(payload, parsed.EDnsOptions.UdpPayloadSize);
        Assert.Equal(0, parsed.EDnsOptions.Version);
        Assert.Equal(dnssecOk, parsed.IsDnsSecOk);
        Assert.Equal(Arsoft.ReturnCode.NoError, parsed.ReturnCode);
    }

    [Fact]
    public void Write_of_the_root_name_gives_a_one_byte_name()
    {
        var buffer = new byte[512];

        var length = DnsQueryWriter.Write(buffer, 7, ".", DnsRecordType.NS);

        Assert.Equal(12 + 1 + 4, length);
        var parsed = Arsoft.DnsMessage.Parse(buffer[..length]);
        Assert.Equal(0, parsed.Questions[0].Name.LabelCount);
        Assert.Equal(Arsoft.RecordType.Ns, parsed.Questions[0].RecordType);
    }

    [Fact]
    public void Written_query_parses_back_as_Ok_with_the_same_facts()
    {
        var buffer = new byte[512];

        var length = DnsQueryWriter.Write(buffer, 0x4321, "probe.example.net", DnsRecordType.TXT, 1400, dnssecOk: true);

        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(buffer.AsSpan(0, length), out var query));
        Assert.Equal(0x4321, query.Id);
        Assert.True(query.RecursionDesired);
        Assert.Equal(DnsRecordType.TXT, query.Type);
        Assert.Equal(1, query.Class);
        Assert.Equal("probe.example.net.", DnsName.ToText(buffer, DnsQuery.NameOffset));
        Assert.Equal(1400, query.Edns.UdpPayloadSize);
        Assert.True(query.Edns.DnssecOk);
        Assert.Equal(length, query.Edns.OptOffset + query.Edns.OptLength);
    }

    [Fact]
    public void Write_rejects_an_invalid_name()
    {
        var buffer = new byte[512];

        foreach (var name in new[] { "a..b", ".example", "exämple.com", new string('a', 64) + ".com", PacketBuilder.NameOfWireLength(256) })
        {
            var exception = Assert.Throws<ArgumentException>(() => DnsQueryWriter.Write(buffer, 1, name, DnsRecordType.A));
            Assert.Equal("name", exception.ParamName);
        }
    }
}
