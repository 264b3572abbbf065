using System.Globalization;

namespace Resolver.Cli;

/// <summary>Sizes on the command line: a number of bytes with an optional k, m or g suffix (powers of 1024).</summary>
public static class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var value = text.Trim();
        if (value.Length == 0)
        {
            return false;
        }

        var multiplier = char.ToLowerInvariant(value[^1]) switch
        {
            'k' => 1024L,
            'm' => 1024L * 1024,
            'g' => 1024L * 1024 * 1024,
            _ => 1L,
        };
        if (multiplier != 1)
        {
            value = value[..^1];
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue / multiplier)
        {
            return false;
        }

        bytes = number * multiplier;
        return true;
    }
}
