namespace Resolver.Server.QueryLogging;

/// <summary>The query log (<c>Resolver:QueryLog</c>): Route 53 Resolver query-log records as JSON lines.</summary>
public sealed class QueryLogOptions
{
    public QueryLogMode Mode { get; set; } = QueryLogMode.Off;

    /// <summary>File to append to, or <c>-</c> for standard output.</summary>
    public string Path { get; set; } = "-";

    /// <summary>Records waiting to be written; past this, records are dropped and counted, never waited for.</summary>
    public int Capacity { get; set; } = 16384;

    /// <summary>Written as <c>account_id</c>.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>Written as <c>region</c>.</summary>
    public string Region { get; set; } = "local";

    /// <summary>Written as <c>srcids.resolver_endpoint</c>: queries reach us as they reach a Route 53 inbound endpoint.</summary>
    public string ResolverEndpointId { get; set; } = "rslvr-in-local";
}
