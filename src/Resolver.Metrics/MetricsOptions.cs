namespace Resolver.Metrics;

/// <summary>The metrics and health endpoint (section <c>Resolver:Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Resolver:Metrics";

    /// <summary>The port CoreDNS's prometheus plugin uses, so existing scrape configurations find us.</summary>
    public const string DefaultListen = "127.0.0.1:9153";

    /// <summary>
    /// Address and port of <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>; <c>off</c> (or empty) turns
    /// the endpoint off.
    /// </summary>
    public string? Listen { get; set; } = DefaultListen;

    /// <summary>The upper bounds of the upstream latency histogram, in seconds.</summary>
    public IList<double> LatencyBuckets { get; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(Listen) && !string.Equals(Listen, "off", StringComparison.OrdinalIgnoreCase);
}
