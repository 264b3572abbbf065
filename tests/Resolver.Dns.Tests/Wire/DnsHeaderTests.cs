using Resolver.Dns.Wire;

namespace Resolver.Dns.Tests.Wire;

public sealed class DnsHeaderTests
{
    [Fact]
    public void Getters_read_the_big_endian_header_fields()
    {
        byte[] header = [0xAB, 0xCD, 0x81, 0x83, 0x00, 0x01, 0x01, 0x02, 0x00, 0x03, 0xFF, 0xFE];

        Assert.Equal(0xABCD, DnsHeader.GetId(header));
        Assert.Equal(0x8183, DnsHeader.GetFlags(header));
        Assert.Equal(DnsResponseCode.NxDomain, DnsHeader.GetRcode(header));
        Assert.Equal(1, DnsHeader.GetQuestionCount(header));
        Assert.Equal(0x0102, DnsHeader.GetAnswerCount(header));
        Assert.Equal(3, DnsHeader.GetAuthorityCount(header));
        Assert.Equal(0xFFFE, DnsHeader.GetAdditionalCount(header));
    }

    [Fact]
    public void Setters_write_big_endian_and_touch_only_their_fields()
    {
        var message = Enumerable.Repeat((byte)0xEE, 14).ToArray();

        DnsHeader.SetId(message, 0x1234);
        DnsHeader.SetFlags(message, 0x8580);
        DnsHeader.SetCounts(message, 1, 2, 0x0300, 0xFFFF);

        Assert.Equal(new byte[] { 0x12, 0x34, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x03, 0x00, 0xFF, 0xFF, 0xEE, 0xEE }, message);
    }

    [Fact]
    public void GetOpcode_extracts_the_four_opcode_bits()
    {
        Assert.Equal(0, DnsHeader.GetOpcode(0x0100));
        Assert.Equal(0, DnsHeader.GetOpcode(0x87FF));
        Assert.Equal(1, DnsHeader.GetOpcode(0x0800));
        Assert.Equal(4, DnsHeader.GetOpcode(0x2000));
        Assert.Equal(5, DnsHeader.GetOpcode(0x2900));
        Assert.Equal(15, DnsHeader.GetOpcode(0xFFFF));
    }

    [Theory]
    [InlineData(0x0100, DnsResponseCode.NoError, 0x8180)] // RD kept
    [InlineData(0x0010, DnsResponseCode.ServFail, 0x8092)] // RA set even without RD; CD kept
    [InlineData(0x2100, DnsResponseCode.NotImp, 0xA184)] // opcode 4 (NOTIFY) kept
    [InlineData(0x872F, DnsResponseCode.Refused, 0x8185)] // AA, TC, AD cleared, the query's RCODE bits replaced
    public void ResponseFlagsFor_sets_QR_and_RA_keeps_opcode_RD_CD_and_sets_the_rcode(int queryFlags, DnsResponseCode rcode, int expected)
    {
        Assert.Equal(expected, DnsHeader.ResponseFlagsFor((ushort)queryFlags, rcode));
    }

    [Fact]
    public void ResponseFlagsFor_puts_only_the_low_four_bits_of_an_extended_rcode_in_the_header()
    {
        // BADVERS is 16: header RCODE 0, the upper bits go to the OPT record (RFC 6891 6.1.3).
        Assert.Equal(0x8180, DnsHeader.ResponseFlagsFor(0x0100, DnsResponseCode.BadVers));
    }
}
