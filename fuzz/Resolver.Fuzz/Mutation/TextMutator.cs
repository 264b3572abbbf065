using System.Text;

namespace Resolver.Fuzz.Mutation;

/// <summary>
/// Line and token edits on top of the generic byte edits: lines deleted, duplicated, swapped, re-indented or
/// taken from another corpus entry, and the target's dictionary tokens (keys, values, YAML syntax) inserted
/// or swapped in for a word.
/// </summary>
public sealed class TextMutator : Mutator
{
    private readonly byte[][] _tokens;

    public TextMutator(IReadOnlyList<string> dictionary)
    {
        _tokens = [.. dictionary.Select(Encoding.UTF8.GetBytes)];
    }

    protected override int MaxLength => 16 * 1024;

    protected override void Edit(List<byte> data, IReadOnlyList<byte[]> pool, Random random)
    {
        var choice = random.Next(10);
        if (choice >= 7)
        {
            GenericEdit(data, pool, random);
            return;
        }

        if (choice <= 1 && _tokens.Length > 0)
        {
            var token = _tokens[random.Next(_tokens.Length)];
            var at = choice == 0 ? random.Next(data.Count + 1) : WordStart(data, random);
            if (choice == 1)
            {
                var end = at;
                while (end < data.Count && data[end] is not ((byte)' ' or (byte)'\n' or (byte)'\t' or (byte)',' or (byte)':'))
                {
                    end++;
                }

                data.RemoveRange(at, end - at);
            }

            data.InsertRange(at, token);
            return;
        }

        var lines = Lines(data);
        switch (choice)
        {
            case 2 when lines.Count > 1:
                lines.RemoveAt(random.Next(lines.Count));
                break;
            case 3 when lines.Count > 0:
                var line = random.Next(lines.Count);
                lines.Insert(line, lines[line]);
                break;
            case 4 when lines.Count > 1:
                var a = random.Next(lines.Count);
                var b = random.Next(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                break;
            case 5 when lines.Count > 0:
                // Indentation decides YAML's structure.
                var indented = random.Next(lines.Count);
                lines[indented] = random.Next(2) == 0 ? [.. "  "u8.ToArray(), .. lines[indented]] : [.. lines[indented].SkipWhile(c => c == ' ').Skip(random.Next(3))];
                break;
            case 6 when pool.Count > 0:
                var otherLines = Lines([.. pool[random.Next(pool.Count)]]);
                lines.Insert(random.Next(lines.Count + 1), otherLines[random.Next(otherLines.Count)]);
                break;
            default:
                GenericEdit(data, pool, random);
                return;
        }

        data.Clear();
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                data.Add((byte)'\n');
            }

            data.AddRange(lines[i]);
        }
    }

    private static int WordStart(List<byte> data, Random random)
    {
        var at = random.Next(data.Count + 1);
        while (at > 0 && data[at - 1] is not ((byte)' ' or (byte)'\n' or (byte)'\t'))
        {
            at--;
        }

        return at;
    }

    private static List<byte[]> Lines(List<byte> data)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= data.Count; i++)
        {
            if (i == data.Count || data[i] == '\n')
            {
                lines.Add(data.GetRange(start, i - start).ToArray());
                start = i + 1;
            }
        }

        return lines;
    }
}
