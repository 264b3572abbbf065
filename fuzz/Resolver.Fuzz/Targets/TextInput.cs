using System.Text;

namespace Resolver.Fuzz.Targets;

/// <summary>Inputs of the text targets: UTF-8 (invalid bytes become U+FFFD, as a StreamReader makes them).</summary>
internal static class TextInput
{
    public static string Decode(ReadOnlySpan<byte> input) => Encoding.UTF8.GetString(input);

    /// <summary>
    /// The most lines a parser may count: one more than the line breaks, each of CR, LF, NEL, LS and PS counted
    /// (YAML breaks lines at all of them), and one more for an error at the very end.
    /// </summary>
    public static int MaxLine(string text)
    {
        var span = text.AsSpan();
        return span.Count('\n') + span.Count('\r') + span.Count('\u0085') + span.Count('\u2028') + span.Count('\u2029') + 2;
    }

    /// <summary>A count as its power of two, so that outcomes differ by kind rather than by size.</summary>
    public static int Bucket(int count) => count <= 0 ? count : 1 + System.Numerics.BitOperations.Log2((uint)count);

    /// <summary>Lines as a line reader counts them: one more than the line feeds.</summary>
    public static int LineCount(string text) => text.AsSpan().Count('\n') + 1;
}
