using Resolver.Server.Configuration;
using Serilog.Events;

namespace Resolver.Cli;

/// <summary>What the command line says for <c>serve</c>, before it is layered over the configuration.</summary>
public sealed class ServeSettings
{
    public IReadOnlyList<string> Listen { get; init; } = [];

    public IReadOnlyList<string> Upstreams { get; init; } = [];

    public string? Rulesets { get; init; }

    public string? ConfigFile { get; init; }

    public bool UpstreamTcpOnly { get; init; }

    /// <summary>Query log mode: all, matches or off.</summary>
    public string? QueryLog { get; init; }

    public string? QueryLogFile { get; init; }

    public string? StateDirectory { get; init; }

    /// <summary>Address of the Route53Resolver management API; null leaves the configuration's (off by default).</summary>
    public string? ApiListen { get; init; }

    /// <summary>Folder of VPC flow logs to follow for resolver-bypass detection; null leaves the configuration's (off by default).</summary>
    public string? FlowLogFolder { get; init; }

    /// <summary>Address of /metrics, /healthz and /readyz, or <c>off</c>; null leaves the configuration's (127.0.0.1:9153).</summary>
    public string? MetricsListen { get; init; }

    /// <summary>True turns on the query-stream findings; null leaves the configuration's (off by default).</summary>
    public bool? DnsFindings { get; init; }

    /// <summary>Response cache size in bytes; 0 turns the cache off.</summary>
    public long? CacheSize { get; init; }

    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>
    /// Scalar settings given on the command line, as configuration keys layered over files and
    /// environment. Lists are not here: see <see cref="ApplyTo"/>.
    /// </summary>
    public Dictionary<string, string?> ToConfigurationOverrides()
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (Rulesets is not null)
        {
            overrides["Resolver:Rulesets"] = Rulesets;
        }

        if (CacheSize is { } cacheSize)
        {
            overrides["Resolver:Cache:MaxBytes"] = cacheSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (StateDirectory is not null)
        {
            overrides["Resolver:StateDirectory"] = StateDirectory;
        }

        if (ApiListen is not null)
        {
            overrides["Resolver:Api:Listen"] = ApiListen;
        }

        if (FlowLogFolder is not null)
        {
            overrides["Resolver:Detection:FlowLogFolder"] = FlowLogFolder;
        }

        if (MetricsListen is not null)
        {
            overrides["Resolver:Metrics:Listen"] = MetricsListen;
        }

        if (DnsFindings is { } dnsFindings)
        {
            overrides["Resolver:Detection:DnsFindings"] = dnsFindings ? "true" : "false";
        }

        if (QueryLog is not null)
        {
            overrides["Resolver:QueryLog:Mode"] = QueryLog;
        }

        if (QueryLogFile is not null)
        {
            overrides["Resolver:QueryLog:Path"] = QueryLogFile;
        }

        if (UpstreamTcpOnly)
        {
            overrides["Resolver:Upstream:TcpOnly"] = "true";
        }

        return overrides;
    }

    /// <summary>
    /// Lists given on the command line replace the configured lists whole; configuration layering would
    /// merge them entry by entry, so "--listen X" would not remove a configured second address.
    /// </summary>
    public void ApplyTo(DnsServerOptions options)
    {
        if (Listen.Count > 0)
        {
            options.Listen = [.. Listen];
        }

        if (Upstreams.Count > 0)
        {
            options.Upstreams = [.. Upstreams];
        }
    }
}
