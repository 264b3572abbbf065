using System.Globalization;

namespace Resolver.Cli;

/// <summary>Durations on the command line: a number with a d, h, m or s suffix (<c>30d</c>), or a TimeSpan (<c>30.00:00:00</c>).</summary>
public static class Duration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var value = text.Trim();
        if (value.Length < 2)
        {
            return false;
        }

        var unit = char.ToLowerInvariant(value[^1]) switch
        {
            'd' => TimeSpan.FromDays(1),
            'h' => TimeSpan.FromHours(1),
            'm' => TimeSpan.FromMinutes(1),
            's' => TimeSpan.FromSeconds(1),
            _ => TimeSpan.Zero,
        };
        if (unit == TimeSpan.Zero)
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
        }

        if (!int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0 || number > 36500 * 24 * 60)
        {
            return false;
        }

        duration = unit * number;
        return duration <= TimeSpan.FromDays(36500);
    }
}
