using Resolver.Dns.Wire;
using Resolver.Testing;

namespace Resolver.Dns.Tests.Wire;

public sealed class DnsNameTests
{
    // Header (12 bytes) + "www.example.com" at 12 (17 bytes, ends at 29), then "Mail" + pointer to 16 ("example.com") at 29.
    private static readonly byte[] Compressed = PacketBuilder.Header()
        .Name("www.example.com")
        .Labels("Mail").Pointer(16)
        .ToArray();

    [Fact]
    public void TryRead_reads_plain_and_root_names_and_reports_end_and_wire_length()
    {
        var plain = PacketBuilder.Header().Name("www.example.com").UInt16(1).ToArray();
        var root = PacketBuilder.Header().Root().UInt16(1).ToArray();

        Assert.True(DnsName.TryRead(plain, 12, out var plainEnd, out var plainLength));
        Assert.True(DnsName.TryRead(root, 12, out var rootEnd, out var rootLength));

        Assert.Equal(29, plainEnd);
        Assert.Equal(17, plainLength);
        Assert.Equal(13, rootEnd);
        Assert.Equal(1, rootLength);
    }

    [Fact]
    public void TryRead_follows_a_backward_pointer_and_ends_just_after_it()
    {
        Assert.True(DnsName.TryRead(Compressed, 29, out var end, out var wireLength));

        Assert.Equal(29 + 5 + 2, end);
        Assert.Equal(5 + 13, wireLength);
        Assert.Equal("Mail.example.com.", DnsName.ToText(Compressed, 29));
    }

    [Fact]
    public void TryRead_follows_a_chain_of_pointers_each_further_back()
    {
        // "com" at 12, "example" + ptr(12) at 17, "www" + ptr(17) at 27, a bare pointer to 27 at 33.
        var message = PacketBuilder.Header()
            .Name("com")
            .Labels("example").Pointer(12)
            .Labels("www").Pointer(17)
            .Pointer(27)
            .ToArray();

        Assert.True(DnsName.TryRead(message, 33, out var end, out var wireLength));

        Assert.Equal(35, end);
        Assert.Equal(17, wireLength);
        Assert.Equal("www.example.com.", DnsName.ToText(message, 33));
    }

    [Fact]
    public void TryRead_rejects_a_pointer_to_itself_or_back_to_the_start_of_its_own_name()
    {
        var self = PacketBuilder.Header().Pointer(12).ToArray();
        var labelThenSelf = PacketBuilder.Header().Labels("loop").Pointer(12).ToArray();

        Assert.False(DnsName.TryRead(self, 12, out _, out _));
        Assert.False(DnsName.TryRead(labelThenSelf, 12, out _, out _));
    }

    [Fact]
    public void TryRead_rejects_two_pointers_pointing_at_each_other()
    {
        // At 12: pointer to 14; at 14: pointer to 12. Read from either end, it is a loop.
        var message = PacketBuilder.Header().Pointer(14).Pointer(12).ToArray();

        Assert.False(DnsName.TryRead(message, 12, out _, out _));
        Assert.False(DnsName.TryRead(message, 14, out _, out _));
    }

    [Fact]
    public void TryRead_rejects_a_forward_pointer_even_to_a_valid_name()
    {
        var message = PacketBuilder.Header().Pointer(14).Name("example.com").ToArray();

        Assert.False(DnsName.TryRead(message, 12, out _, out _));
    }

    [Fact]
    public void TryRead_accepts_a_63_byte_label_and_rejects_a_64_byte_one()
    {
        var accepted = PacketBuilder.Header().Name(new string('x', 63) + ".com").ToArray();
        var rejected = PacketBuilder.Header().Bytes(64).Repeat((byte)'x', 64).Name("com").ToArray();

        Assert.True(DnsName.TryRead(accepted, 12, out var end, out var wireLength));
        Assert.Equal(1 + 63 + 1 + 3 + 1, wireLength);
        Assert.Equal(accepted.Length, end);
        Assert.False(DnsName.TryRead(rejected, 12, out _, out _));
    }

    [Fact]
    public void TryRead_rejects_the_reserved_label_types_0x40_and_0x80()
    {
        // 0x40: extended label types (RFC 6891 5 deprecates them); 0x80: reserved (RFC 1035 4.1.4).
        foreach (var labelByte in new byte[] { 0x41, 0x7F, 0x80, 0xBF })
        {
            var message = PacketBuilder.Header().Bytes(labelByte, 0, 0, 0).Repeat((byte)'x', 200).Root().ToArray();

            Assert.False(DnsName.TryRead(message, 12, out _, out _));
        }
    }

    [Fact]
    public void TryRead_accepts_a_name_of_exactly_255_bytes_and_rejects_256()
    {
        var accepted = PacketBuilder.Header().Name(PacketBuilder.NameOfWireLength(255)).ToArray();
        var rejected = PacketBuilder.Header().Name(PacketBuilder.NameOfWireLength(256)).ToArray();

        Assert.True(DnsName.TryRead(accepted, 12, out var end, out var wireLength));
        Assert.Equal(255, wireLength);
        Assert.Equal(12 + 255, end);
        Assert.Equal(12 + 256, rejected.Length);
        Assert.False(DnsName.TryRead(rejected, 12, out _, out _));
    }

    [Fact]
    public void TryRead_counts_the_uncompressed_length_so_compression_cannot_exceed_255_bytes()
    {
        // A 250-byte name, then a 5-byte prefix pointing at it (255: accepted) and a 6-byte one (256: rejected).
        var builder = PacketBuilder.Header().Name(PacketBuilder.NameOfWireLength(250));
        var at255 = builder.Length;
        builder.Labels("abcd").Pointer(12);
        var at256 = builder.Length;
        var message = builder.Labels("abcde").Pointer(12).ToArray();

        Assert.True(DnsName.TryRead(message, at255, out var end, out var wireLength));
        Assert.Equal(255, wireLength);
        Assert.Equal(at256, end);
        Assert.False(DnsName.TryRead(message, at256, out _, out _));
    }

    [Fact]
    public void TryRead_rejects_a_name_running_past_the_end_of_the_buffer()
    {
        var labelCut = PacketBuilder.Header().Bytes(7).Bytes("exam"u8.ToArray()).ToArray();
        var noRootLabel = PacketBuilder.Header().Labels("www.example.com").ToArray();
        var pointerCut = PacketBuilder.Header().Labels("www").Bytes(0xC0).ToArray();
        var root = PacketBuilder.Header().Root().ToArray();

        Assert.False(DnsName.TryRead(labelCut, 12, out _, out _));
        Assert.False(DnsName.TryRead(noRootLabel, 12, out _, out _));
        Assert.False(DnsName.TryRead(pointerCut, 12, out _, out _));
        Assert.False(DnsName.TryRead(root, root.Length, out _, out _));
        Assert.False(DnsName.TryRead(root, root.Length + 10, out _, out _));
    }

    [Fact]
    public void TrySkip_agrees_with_TryRead_on_success_and_end()
    {
        var cases = new (string Name, byte[] Message, int Offset)[]
        {
            ("plain", PacketBuilder.Header().Name("www.example.com").UInt16(1).ToArray(), 12),
            ("compressed", Compressed, 29),
            ("255 bytes", PacketBuilder.Header().Name(PacketBuilder.NameOfWireLength(255)).ToArray(), 12),
            ("256 bytes", PacketBuilder.Header().Name(PacketBuilder.NameOfWireLength(256)).ToArray(), 12),
            ("self pointer", PacketBuilder.Header().Pointer(12).ToArray(), 12),
            ("cut label", PacketBuilder.Header().Bytes(5, (byte)'a').ToArray(), 12),
        };

        foreach (var (name, message, offset) in cases)
        {
            var read = DnsName.TryRead(message, offset, out var readEnd, out _);
            var skipped = DnsName.TrySkip(message, offset, out var skipEnd);

            Assert.True(read == skipped, name);
            Assert.True(!read || readEnd == skipEnd, name);
        }
    }

    [Fact]
    public void CopyLowercase_writes_the_name_uncompressed_and_lower_cased()
    {
        var message = PacketBuilder.Header().Name("WWW.Example.COM").Labels("MaIl").Pointer(16).ToArray();
        var destination = new byte[DnsName.MaxWireLength];

        var written = DnsName.CopyLowercase(message, 29, destination);

        Assert.Equal(18, written);
        Assert.Equal(TestMessage.EncodeName("mail.example.com"), destination[..written]);
    }

    [Fact]
    public void CopyLowercase_leaves_non_letters_and_non_ascii_bytes_alone_and_copies_the_root_as_one_zero()
    {
        var message = PacketBuilder.Header().Bytes(6, (byte)'A', (byte)'-', (byte)'9', (byte)'_', 0xC4, (byte)'Z').Root().ToArray();
        var root = PacketBuilder.Header().Root().ToArray();
        var destination = new byte[DnsName.MaxWireLength];

        var written = DnsName.CopyLowercase(message, 12, destination);

        Assert.Equal(new byte[] { 6, (byte)'a', (byte)'-', (byte)'9', (byte)'_', 0xC4, (byte)'z', 0 }, destination[..written]);
        Assert.Equal(1, DnsName.CopyLowercase(root, 12, destination));
        Assert.Equal(0, destination[0]);
    }

    [Fact]
    public void EqualsIgnoreCase_follows_compression_on_either_side_and_ignores_ascii_case()
    {
        var plain = PacketBuilder.Header().Name("mail.EXAMPLE.com").ToArray();
        var pointers = PacketBuilder.Header().Name("Example.Com").Pointer(12).Labels("x").Pointer(12).ToArray();

        Assert.True(DnsName.EqualsIgnoreCase(Compressed, 29, plain, 12));
        Assert.True(DnsName.EqualsIgnoreCase(plain, 12, Compressed, 29));
        Assert.True(DnsName.EqualsIgnoreCase(pointers, 12, pointers, 25));
        Assert.False(DnsName.EqualsIgnoreCase(pointers, 12, pointers, 27));
    }

    [Fact]
    public void EqualsIgnoreCase_rejects_different_names_and_folds_only_letters()
    {
        static bool Equal(PacketBuilder a, PacketBuilder b) => DnsName.EqualsIgnoreCase(a.ToArray(), 12, b.ToArray(), 12);

        Assert.False(Equal(PacketBuilder.Header().Name("www.example.com"), PacketBuilder.Header().Name("www.example.org")));
        Assert.False(Equal(PacketBuilder.Header().Name("www.example.com"), PacketBuilder.Header().Name("example.com")));
        Assert.False(Equal(PacketBuilder.Header().Name("www.example.com"), PacketBuilder.Header().Name("ww.wexample.com")));
        Assert.False(Equal(PacketBuilder.Header().Name("a"), PacketBuilder.Header().Root()));

        // '@' (0x40) and '`' (0x60) differ by the case bit but are not letters; neither are 0xC4 and 0xE4.
        Assert.False(Equal(PacketBuilder.Header().Bytes(1, (byte)'@').Root(), PacketBuilder.Header().Bytes(1, (byte)'`').Root()));
        Assert.False(Equal(PacketBuilder.Header().Bytes(1, 0xC4).Root(), PacketBuilder.Header().Bytes(1, 0xE4).Root()));
    }

    [Fact]
    public void ToLowerAscii_lowers_only_A_to_Z()
    {
        for (var value = 0; value < 256; value++)
        {
            var expected = value is >= 'A' and <= 'Z' ? value + 32 : value;
            Assert.Equal(expected, DnsName.ToLowerAscii((byte)value));
        }
    }

    [Theory]
    [InlineData("www.example.com.", "03777777076578616D706C6503636F6D00")]
    [InlineData("A.b-C", "014103622D4300")]
    [InlineData(".", "00")]
    public void TryEncode_writes_the_wire_form(string text, string expectedHex)
    {
        var destination = new byte[DnsName.MaxWireLength];

        Assert.True(DnsName.TryEncode(text, destination, out var written));

        Assert.Equal(Convert.FromHexString(expectedHex), destination[..written]);
    }

    [Fact]
    public void TryEncode_accepts_a_63_byte_label_and_exactly_255_bytes()
    {
        var destination = new byte[1024];

        Assert.True(DnsName.TryEncode(new string('a', 63) + ".com", destination, out var written));
        Assert.Equal(69, written);
        Assert.True(DnsName.TryEncode(PacketBuilder.NameOfWireLength(255), destination, out written));
        Assert.Equal(255, written);
        Assert.Equal(TestMessage.EncodeName(PacketBuilder.NameOfWireLength(255)), destination[..written]);
    }

    [Fact]
    public void TryEncode_rejects_empty_and_long_labels_long_names_non_ascii_and_a_short_destination()
    {
        var destination = new byte[1024];

        Assert.False(DnsName.TryEncode("a..b", destination, out _));
        Assert.False(DnsName.TryEncode(".com", destination, out _));
        Assert.False(DnsName.TryEncode("com..", destination, out _));
        Assert.False(DnsName.TryEncode("exämple.com", destination, out _));
        Assert.False(DnsName.TryEncode(new string('a', 64) + ".com", destination, out _));
        Assert.False(DnsName.TryEncode(PacketBuilder.NameOfWireLength(256), destination, out _));
        Assert.False(DnsName.TryEncode("www.example.com", new byte[16], out _));
        Assert.False(DnsName.TryEncode(".", [], out _));
        Assert.True(DnsName.TryEncode("www.example.com", new byte[17], out var written));
        Assert.Equal(17, written);
    }

    [Fact]
    public void ToText_renders_the_root_as_a_dot_keeps_case_and_escapes_special_bytes()
    {
        var message = PacketBuilder.Header().Bytes(7, (byte)'A', (byte)'.', (byte)'\\', (byte)' ', 0x7F, 0x00, (byte)'z').Name("Com").ToArray();

        Assert.Equal(".", DnsName.ToText(PacketBuilder.Header().Root().ToArray(), 12));
        Assert.Equal("A\\046\\092\\032\\127\\000z.Com.", DnsName.ToText(message, 12));
    }

    [Theory]
    [InlineData("Mixed.Case.Example")]
    [InlineData("_dmarc.xn--bcher-kva.example")]
    public void TryEncode_TryRead_and_ToText_round_trip(string text)
    {
        var message = new byte[12 + DnsName.MaxWireLength];

        Assert.True(DnsName.TryEncode(text, message.AsSpan(12), out var written));
        Assert.True(DnsName.TryRead(message, 12, out var end, out var wireLength));

        Assert.Equal(written, wireLength);
        Assert.Equal(12 + written, end);
        Assert.Equal(text + ".", DnsName.ToText(message, 12));
    }

    [Fact]
    public void Round_trip_of_the_longest_name_keeps_all_255_bytes()
    {
        var text = PacketBuilder.NameOfWireLength(255);
        var message = new byte[12 + DnsName.MaxWireLength];
        var lowered = new byte[DnsName.MaxWireLength];

        Assert.True(DnsName.TryEncode(text, message.AsSpan(12), out _));
        Assert.True(DnsName.TryRead(message, 12, out _, out var wireLength));

        Assert.Equal(255, wireLength);
        Assert.Equal(255, DnsName.CopyLowercase(message, 12, lowered));
        Assert.Equal(message[12..], lowered);
        Assert.Equal(text + ".", DnsName.ToText(message, 12));
    }
}
