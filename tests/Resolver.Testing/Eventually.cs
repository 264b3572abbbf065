using System.Diagnostics;

namespace Resolver.Testing;

/// <summary>Polls a condition that becomes true asynchronously (counters, background work), within a bound.</summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > within)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
