namespace Resolver.Server.Configuration;

/// <summary>What happens to a query over its client's rate limit.</summary>
public enum RateLimitAction
{
    /// <summary>No answer over UDP (as Route 53 Resolver and Unbound do); REFUSED over TCP, whose source is proven.</summary>
    Drop,

    /// <summary>Answer REFUSED (header, question and OPT: never larger than the query's own question and OPT).</summary>
    Refuse,
}
