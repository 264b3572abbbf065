namespace Resolver.Testing;

/// <summary>
/// Measures what the current thread allocates in chunks of work: an allocation per query shows in every
/// chunk, while a one-off of the runtime's (tiered compilation finishing mid-run: rarely, ~176 bytes)
/// shows in one at most, so the assertion tells the two apart instead of failing now and then.
/// </summary>
public static class AllocationChunks
{
    /// <summary>Runs <paramref name="chunk"/> <paramref name="count"/> times; the bytes allocated by each run.</summary>
    public static long[] Measure(int count, Action chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var allocated = new long[count];
        for (var i = 0; i < count; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            chunk();
            allocated[i] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        return allocated;
    }

    /// <summary>Every chunk allocated nothing, but for at most one small one-off.</summary>
    public static bool NoneButAOneOff(long[] allocated, long oneOffLimit = 1024)
    {
        ArgumentNullException.ThrowIfNull(allocated);
        return allocated.Count(bytes => bytes > 0) <= 1 && allocated.Max() < oneOffLimit;
    }

    public static string Describe(long[] allocated) => $"allocated per chunk: {string.Join(", ", allocated)}";
}
