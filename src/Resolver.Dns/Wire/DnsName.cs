using System.Text;

namespace Resolver.Dns.Wire;

/// <summary>
/// Domain names in wire form (RFC 1035 3.1, 4.1.4): validation with compression, comparison and conversion.
/// Every reader bounds-checks and returns false on bad input instead of throwing, so a hostile packet
/// costs one failed parse and nothing more.
/// </summary>
public static class DnsName
{
    /// <summary>Longest name in wire form, length bytes and root label included.</summary>
    public const int MaxWireLength = 255;

    public const int MaxLabelLength = 63;

    /// <summary>
    /// Validates the name at <paramref name="offset"/> and finds where it ends in place.
    /// Compression pointers must point strictly backwards, each before the previous target, which
    /// rules out loops and forward references; labels above 63 bytes, the reserved label types
    /// and names over 255 bytes are rejected.
    /// </summary>
    /// <param name="end">The offset just past the name as written (after the first pointer, if any).</param>
    /// <param name="wireLength">The uncompressed length in wire form.</param>
    public static bool TryRead(ReadOnlySpan<byte> message, int offset, out int end, out int wireLength)
    {
        end = -1;
        wireLength = 0;
        var position = offset;
        var limit = offset;
        var length = 0;
        while (true)
        {
            if ((uint)position >= (uint)message.Length)
            {
                return false;
            }

            var label = message[position];
            if (label == 0)
            {
                length++;
                if (end < 0)
                {
                    end = position + 1;
                }

                wireLength = length;
                return length <= MaxWireLength;
            }

            switch (label & 0xC0)
            {
                case 0x00:
                    length += label + 1;
                    if (length >= MaxWireLength)
                    {
                        return false;
                    }

                    position += label + 1;
                    break;
                case 0xC0:
                    if (position + 1 >= message.Length)
                    {
                        return false;
                    }

                    var target = ((label & 0x3F) << 8) | message[position + 1];
                    if (target >= limit)
                    {
                        return false;
                    }

                    if (end < 0)
                    {
                        end = position + 2;
                    }

                    limit = target;
                    position = target;
                    break;
                default:
                    // 0x40 (extended label types, RFC 6891 deprecated them) and 0x80 are reserved.
                    return false;
            }
        }
    }

    /// <summary>Skips a name already known to be valid or returns false at the first inconsistency.</summary>
    public static bool TrySkip(ReadOnlySpan<byte> message, int offset, out int end) =>
        TryRead(message, offset, out end, out _);

    /// <summary>
    /// Copies the name at <paramref name="offset"/> into <paramref name="destination"/> uncompressed and
    /// lower-cased (ASCII only, as DNS case-insensitivity is defined). The name must have been validated.
    /// </summary>
    public static int CopyLowercase(ReadOnlySpan<byte> message, int offset, Span<byte> destination)
    {
        var position = offset;
        var written = 0;
        while (true)
        {
            var label = message[position];
            if ((label & 0xC0) == 0xC0)
            {
                position = ((label & 0x3F) << 8) | message[position + 1];
                continue;
            }

            destination[written++] = label;
            if (label == 0)
            {
                return written;
            }

            for (var i = 1; i <= label; i++)
            {
                destination[written++] = ToLowerAscii(message[position + i]);
            }

            position += label + 1;
        }
    }

    /// <summary>
    /// Copies the validated name at <paramref name="offset"/> into <paramref name="destination"/> uncompressed,
    /// keeping its case, so it can be placed in another message. Returns the length, or 0 when it does not fit.
    /// </summary>
    public static int CopyExpanded(ReadOnlySpan<byte> message, int offset, Span<byte> destination)
    {
        var position = offset;
        var written = 0;
        while (true)
        {
            var label = message[position];
            if ((label & 0xC0) == 0xC0)
            {
                position = ((label & 0x3F) << 8) | message[position + 1];
                continue;
            }

            if (written + label + 1 > destination.Length)
            {
                return 0;
            }

            message.Slice(position, label + 1).CopyTo(destination[written..]);
            written += label + 1;
            if (label == 0)
            {
                return written;
            }

            position += label + 1;
        }
    }

    /// <summary>Compares two validated names case-insensitively, following compression in both.</summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> messageA, int offsetA, ReadOnlySpan<byte> messageB, int offsetB)
    {
        var a = offsetA;
        var b = offsetB;
        while (true)
        {
            var labelA = messageA[a];
            while ((labelA & 0xC0) == 0xC0)
            {
                a = ((labelA & 0x3F) << 8) | messageA[a + 1];
                labelA = messageA[a];
            }

            var labelB = messageB[b];
            while ((labelB & 0xC0) == 0xC0)
            {
                b = ((labelB & 0x3F) << 8) | messageB[b + 1];
                labelB = messageB[b];
            }

            if (labelA != labelB)
            {
                return false;
            }

            if (labelA == 0)
            {
                return true;
            }

            for (var i = 1; i <= labelA; i++)
            {
                if (ToLowerAscii(messageA[a + i]) != ToLowerAscii(messageB[b + i]))
                {
                    return false;
                }
            }

            a += labelA + 1;
            b += labelB + 1;
        }
    }

    public static byte ToLowerAscii(byte value) => (uint)(value - 'A') <= 'Z' - 'A' ? (byte)(value | 0x20) : value;

    /// <summary>
    /// Encodes dotted text ("www.example.com", trailing dot optional, "." for the root) into wire form.
    /// For configuration and tools, not the query path. Escapes are not supported: names with dots
    /// inside labels do not occur in the places this is used.
    /// </summary>
    public static bool TryEncode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.Length > 0 && text[^1] == '.')
        {
            text = text[..^1];
        }

        if (text.Length > 0)
        {
            foreach (var range in text.Split('.'))
            {
                var label = text[range];
                if (label.Length is 0 or > MaxLabelLength || written + label.Length + 2 > Math.Min(destination.Length, MaxWireLength))
                {
                    return false;
                }

                destination[written++] = (byte)label.Length;
                foreach (var c in label)
                {
                    if (c > 0x7F)
                    {
                        return false;
                    }

                    destination[written++] = (byte)c;
                }
            }
        }

        if (written >= destination.Length)
        {
            return false;
        }

        destination[written++] = 0;
        return true;
    }

    /// <summary>Renders a validated name as dotted text with a trailing dot (logs and tools only: it allocates).</summary>
    public static string ToText(ReadOnlySpan<byte> message, int offset)
    {
        var builder = new StringBuilder(64);
        var position = offset;
        while (true)
        {
            var label = message[position];
            if ((label & 0xC0) == 0xC0)
            {
                position = ((label & 0x3F) << 8) | message[position + 1];
                continue;
            }

            if (label == 0)
            {
                return builder.Length == 0 ? "." : builder.ToString();
            }

            for (var i = 1; i <= label; i++)
            {
                var c = (char)message[position + i];
                if (c is '.' or '\\' || c <= ' ' || c > '~')
                {
                    builder.Append('\\').Append(((int)c).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }
            }

            builder.Append('.');
            position += label + 1;
        }
    }
}
