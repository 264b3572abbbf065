using Resolver.Dns.Wire;

namespace Resolver.Fuzz.Mutation;

/// <summary>
/// DNS-aware edits on top of the generic ones: interesting bytes and 16-bit values (counts, types, lengths),
/// header flags and counts, label lengths around 63/64 and the reserved label types, compression pointers
/// (backwards, to themselves, forwards, into the header) and appended OPT records.
/// </summary>
public sealed class DnsMessageMutator : Mutator
{
    private static readonly byte[] InterestingBytes = [0, 1, 0x3F, 0x40, 0x7F, 0x80, 0xBF, 0xC0, 0xFF, 12, 63, 64];

    private static readonly ushort[] InterestingWords = [0, 1, 2, 12, 41, 255, 256, 511, 512, 513, 1232, 4096, 0x7FFF, 0x8000, 0xFFFF, 0xC00C, 0xC000];

    protected override void Edit(List<byte> data, IReadOnlyList<byte[]> pool, Random random)
    {
        switch (random.Next(12))
        {
            case 0 when data.Count > 0:
                data[random.Next(data.Count)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 1 when data.Count > 1:
                SetWord(data, random.Next(data.Count - 1), InterestingWords[random.Next(InterestingWords.Length)]);
                break;
            case 2 when data.Count >= DnsHeader.Size:
                // A header count (QD, AN, NS, AR) or the flags word.
                SetWord(data, 2 + (2 * random.Next(5)), random.Next(3) == 0 ? InterestingWords[random.Next(InterestingWords.Length)] : (ushort)random.Next(4));
                break;
            case 3 when data.Count >= DnsHeader.Size:
                // Opcode, QR, TC, RD, CD and friends.
                data[2] ^= (byte)(1 << random.Next(8));
                data[3] ^= (byte)(1 << random.Next(8));
                break;
            case 4 when Labels(data) is { Count: > 0 } labels:
                var at = labels[random.Next(labels.Count)];
                data[at] = (byte)(random.Next(4) switch { 0 => 63, 1 => 64, 2 => 0x40 | random.Next(64), _ => data[at] + (random.Next(2) == 0 ? 1 : -1) });
                break;
            case 5 when data.Count > DnsHeader.Size:
                // A compression pointer: to itself, to just after it, into the header, or anywhere.
                var position = DnsHeader.Size + random.Next(data.Count - DnsHeader.Size);
                var target = random.Next(4) switch { 0 => position, 1 => position + 2, 2 => random.Next(DnsHeader.Size), _ => random.Next(data.Count) };
                if (random.Next(2) == 0)
                {
                    data.InsertRange(position, [(byte)(0xC0 | ((target >> 8) & 0x3F)), (byte)target]);
                }
                else
                {
                    SetWord(data, Math.Min(position, data.Count - 2), (ushort)(0xC000 | (target & 0x3FFF)));
                }

                break;
            case 6:
                // An OPT record: payload size, version, DO, and options that may not fill the RDATA.
                byte[] opt = [0, 0, 41, (byte)random.Next(256), (byte)random.Next(256), 0, (byte)(random.Next(4) == 0 ? 1 : 0), (byte)(random.Next(2) * 0x80), 0, 0, 0];
                if (random.Next(2) == 0)
                {
                    var optionLength = random.Next(8);
                    opt[10] = (byte)(4 + optionLength - random.Next(2));
                    opt = [.. opt, 0, 10, 0, (byte)optionLength, .. new byte[optionLength]];
                }

                data.AddRange(opt);
                break;
            case 7:
                // A label of 63 or 64 bytes at the start of the question: max-length names.
                var length = random.Next(2) == 0 ? 63 : 64;
                var label = new byte[length + 1];
                label[0] = (byte)length;
                label.AsSpan(1).Fill((byte)('a' + random.Next(26)));
                data.InsertRange(Math.Min(DnsHeader.Size, data.Count), label);
                break;
            default:
                GenericEdit(data, pool, random);
                break;
        }
    }

    private static void SetWord(List<byte> data, int offset, ushort value)
    {
        if (offset < 0 || offset + 1 >= data.Count)
        {
            return;
        }

        data[offset] = (byte)(value >> 8);
        data[offset + 1] = (byte)value;
    }

    /// <summary>Offsets of the length bytes of the question name's labels.</summary>
    private static List<int> Labels(List<byte> data)
    {
        var labels = new List<int>();
        var position = DnsHeader.Size;
        while (position < data.Count && labels.Count < 128)
        {
            labels.Add(position);
            var length = data[position];
            if (length == 0 || length > 63)
            {
                break;
            }

            position += length + 1;
        }

        return labels;
    }
}
