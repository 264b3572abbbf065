namespace Resolver.Server.QueryLogging;

/// <summary>Which queries are written to the query log.</summary>
public enum QueryLogMode
{
    Off,

    /// <summary>Every answered query.</summary>
    All,

    /// <summary>Only queries a firewall rule matched (ALLOW, ALERT or BLOCK).</summary>
    Matches,
}
