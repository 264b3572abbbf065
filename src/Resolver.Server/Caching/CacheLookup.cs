namespace Resolver.Server.Caching;

/// <summary>The outcome of a cache lookup: the answer's length in the caller's buffer (0 on a miss) and what to do next.</summary>
internal readonly record struct CacheLookup(int Length, bool HasRedirection, bool ShouldPrefetch)
{
    public static CacheLookup Miss => default;

    public bool Hit => Length > 0;
}
