using Resolver.Fuzz.Targets;

namespace Resolver.Fuzz.Mutation;

/// <summary>Makes a new input from a corpus entry, one to a few random edits at a time.</summary>
public abstract class Mutator
{
    /// <summary>The largest input a mutation may produce: a TCP DNS message.</summary>
    public const int MaxInputLength = ushort.MaxValue;

    /// <summary>The largest input of this kind: longer ones are cut (text stays small so the fuzzer stays fast).</summary>
    protected virtual int MaxLength => MaxInputLength;

    public static Mutator For(IFuzzTarget target) =>
        target.Kind == InputKind.DnsMessage ? new DnsMessageMutator() : new TextMutator(target.Dictionary);

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> pool, Random random)
    {
        var data = new List<byte>(input);
        var edits = 1 + random.Next(random.Next(2) == 0 ? 2 : 8);
        for (var i = 0; i < edits; i++)
        {
            Edit(data, pool, random);
        }

        if (data.Count > MaxLength)
        {
            data.RemoveRange(MaxLength, data.Count - MaxLength);
        }

        return [.. data];
    }

    protected abstract void Edit(List<byte> data, IReadOnlyList<byte[]> pool, Random random);

    /// <summary>The byte-level edits both kinds share.</summary>
    protected static void GenericEdit(List<byte> data, IReadOnlyList<byte[]> pool, Random random)
    {
        switch (random.Next(7))
        {
            case 0 when data.Count > 0:
                var bit = random.Next(data.Count * 8);
                data[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            case 1 when data.Count > 0:
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            case 2:
                var insert = new byte[1 + random.Next(random.Next(2) == 0 ? 4 : 64)];
                random.NextBytes(insert);
                data.InsertRange(random.Next(data.Count + 1), insert);
                break;
            case 3 when data.Count > 0:
                var start = random.Next(data.Count);
                data.RemoveRange(start, Math.Min(data.Count - start, 1 + random.Next(16)));
                break;
            case 4 when data.Count > 0:
                // Cut short: truncated messages and files.
                var end = random.Next(data.Count);
                data.RemoveRange(end, data.Count - end);
                break;
            case 5 when pool.Count > 0:
                // Splice: this input's head and another's tail.
                var other = pool[random.Next(pool.Count)];
                var cut = random.Next(data.Count + 1);
                var from = other.Length == 0 ? 0 : random.Next(other.Length);
                data.RemoveRange(cut, data.Count - cut);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            case 6 when data.Count > 0:
                // Duplicate a chunk in place (repeated labels, records, lines).
                var chunkStart = random.Next(data.Count);
                var chunk = data.GetRange(chunkStart, Math.Min(data.Count - chunkStart, 1 + random.Next(32)));
                var times = 1 + random.Next(random.Next(4) == 0 ? 64 : 3);
                for (var i = 0; i < times && data.Count < MaxInputLength; i++)
                {
                    data.InsertRange(chunkStart, chunk);
                }

                break;
        }
    }
}
