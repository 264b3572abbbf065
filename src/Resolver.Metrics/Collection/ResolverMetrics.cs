using System.Diagnostics;
using Prometheus;
using Resolver.Detection.Findings;
using Resolver.Server.Caching;
using Resolver.Server.Detection;
using Resolver.Server.Firewall;
using Resolver.Server.Pipeline;
using Resolver.Server.QueryLogging;
using Resolver.Server.Upstreams;

namespace Resolver.Metrics.Collection;

/// <summary>
/// The resolver's Prometheus metrics (prometheus-net, a registry of its own). The query path keeps counting
/// in its own lock-free fields, as it always has; a scrape copies them into the registry just before it is
/// written, so metrics cost the query path nothing. The one metric fed live is the upstream latency
/// histogram, through <see cref="UpstreamServer.LatencyObserver"/> (an allocation-free observe).
/// </summary>
public sealed class ResolverMetrics
{
    private static readonly double[] DefaultLatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly QueryPipeline _pipeline;
    private readonly ResponseCache _cache;
    private readonly UpstreamForwarder _forwarder;
    private readonly QueryLog _queryLog;
    private readonly FirewallState _firewall;
    private readonly QueryObservations _observations;
    private readonly FindingMetrics? _findings;

    private readonly Counter _queries;
    private readonly Counter _queriesByType;
    private readonly Counter _responses;
    private readonly Counter _actions;
    private readonly Counter _ruleHits;
    private readonly Counter _dropped;
    private readonly Counter _malformed;
    private readonly Counter _localAnswers;
    private readonly Counter _limited;
    private readonly Counter _cacheHits;
    private readonly Counter _cacheMisses;
    private readonly Counter _cacheInserts;
    private readonly Counter _cacheEvictions;
    private readonly Counter _cacheStale;
    private readonly Counter _cachePrefetches;
    private readonly Gauge _cacheEntries;
    private readonly Gauge _cacheBytes;
    private readonly Counter _upstreamQueries;
    private readonly Counter _upstreamFailures;
    private readonly Gauge _upstreamOutstanding;
    private readonly Gauge _upstreamHealthy;
    private readonly Counter _serverFailures;
    private readonly Counter _queryLogRecords;
    private readonly Counter _queryLogDropped;
    private readonly Counter _reloads;
    private readonly Counter _reloadFailures;
    private readonly Counter _observationsDropped;
    private readonly Counter _findingsRaised;
    private readonly Counter _findingOccurrences;

    public ResolverMetrics(QueryPipeline pipeline, ResponseCache cache, UpstreamForwarder forwarder, QueryLog queryLog, FirewallState firewall, QueryObservations observations, FindingMetrics? findings, MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pipeline = pipeline;
        _cache = cache;
        _forwarder = forwarder;
        _queryLog = queryLog;
        _firewall = firewall;
        _observations = observations;
        _findings = findings;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);

        _queries = factory.CreateCounter("resolver_queries_total", "DNS queries received, by transport.", "transport");
        _queriesByType = factory.CreateCounter("resolver_queries_by_type_total", "DNS queries received, by query type (rare types share 'other').", "type");
        _responses = factory.CreateCounter("resolver_responses_total", "Answers sent, by response code.", "rcode");
        _actions = factory.CreateCounter("resolver_firewall_actions_total", "Queries a firewall rule decided, by action; fail_closed: SERVFAIL because rules could not be evaluated.", "action");
        _ruleHits = factory.CreateCounter("resolver_firewall_rule_hits_total", "Queries decided by each rule.", "rule_group", "rule_group_id", "rule");
        _dropped = factory.CreateCounter("resolver_dropped_total", "Packets dropped unanswered: shorter than a header, or not a query.");
        _malformed = factory.CreateCounter("resolver_malformed_total", "Queries answered FORMERR, NOTIMP or BADVERS.");
        _limited = factory.CreateCounter("resolver_limited_total", "Queries and connections turned away by the abuse limits: rate (per-client rate limit), in_flight (upstream queries at their cap), tcp_client (connections per client).", "limit");
        _localAnswers = factory.CreateCounter("resolver_local_answers_total", "Queries answered by the resolver itself: managed test domains, the DoH canary.");
        _cacheHits = factory.CreateCounter("resolver_cache_hits_total", "Response cache hits.");
        _cacheMisses = factory.CreateCounter("resolver_cache_misses_total", "Response cache misses.");
        _cacheInserts = factory.CreateCounter("resolver_cache_inserts_total", "Answers stored in the response cache.");
        _cacheEvictions = factory.CreateCounter("resolver_cache_evictions_total", "Entries evicted from the response cache to stay within its size.");
        _cacheStale = factory.CreateCounter("resolver_cache_stale_answers_total", "Expired entries served because every upstream failed (RFC 8767).");
        _cachePrefetches = factory.CreateCounter("resolver_cache_prefetches_total", "Popular entries refreshed before they expired.");
        _cacheEntries = factory.CreateGauge("resolver_cache_entries", "Entries in the response cache.");
        _cacheBytes = factory.CreateGauge("resolver_cache_size_bytes", "Bytes held by the response cache.");
        _upstreamQueries = factory.CreateCounter("resolver_upstream_queries_total", "Queries sent to each upstream.", "upstream");
        _upstreamFailures = factory.CreateCounter("resolver_upstream_failures_total", "Attempts to each upstream that failed (timeout, ICMP unreachable, bad answer).", "upstream");
        _upstreamOutstanding = factory.CreateGauge("resolver_upstream_outstanding", "Queries waiting for each upstream's answer.", "upstream");
        _upstreamHealthy = factory.CreateGauge("resolver_upstream_healthy", "1 when the upstream is used, 0 while it is avoided after failures.", "upstream");
        _serverFailures = factory.CreateCounter("resolver_upstream_servfail_total", "Clients answered SERVFAIL because no upstream answered in time.");
        _queryLogRecords = factory.CreateCounter("resolver_query_log_records_total", "Query-log records queued for writing.");
        _queryLogDropped = factory.CreateCounter("resolver_query_log_dropped_total", "Query-log records dropped because the writer fell behind.");
        _reloads = factory.CreateCounter("resolver_rulesets_reloads_total", "Rulesets loads installed, the first one included.");
        _reloadFailures = factory.CreateCounter("resolver_rulesets_reload_failures_total", "Rulesets loads rejected; the previous firewall kept serving.");
        _observationsDropped = factory.CreateCounter("resolver_detection_observations_dropped_total", "Queries not scored by the detectors because their queue was full.");
        _findingsRaised = factory.CreateCounter("resolver_findings_total", "GuardDuty-style findings raised, by type.", "type");
        _findingOccurrences = factory.CreateCounter("resolver_finding_occurrences_total", "Occurrences gathered by findings (their counts), by type.", "type");

        var buckets = options.LatencyBuckets.Count > 0 ? [.. options.LatencyBuckets] : DefaultLatencyBuckets;
        var latency = factory.CreateHistogram(
            "resolver_upstream_latency_seconds",
            "Round-trip time of answered upstream attempts.",
            new HistogramConfiguration { LabelNames = ["upstream"], Buckets = buckets });
        foreach (var upstream in forwarder.Upstreams)
        {
            upstream.LatencyObserver = latency.WithLabels(upstream.EndPoint.ToString()).Observe;
        }

        Registry.AddBeforeCollectCallback(Update);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Writes the metrics in the Prometheus text format.</summary>
    public Task WriteAsync(Stream destination, CancellationToken cancellationToken) =>
        Registry.CollectAndExportAsTextAsync(destination, cancellationToken);

    private void Update()
    {
        var counters = _pipeline.Counters;
        _queries.WithLabels("udp").IncTo(counters.UdpQueries);
        _queries.WithLabels("tcp").IncTo(counters.TcpQueries);
        for (var bucket = 0; bucket < QueryTypeBuckets.Count; bucket++)
        {
            var count = counters.QueriesOfType(bucket);
            if (count > 0)
            {
                _queriesByType.WithLabels(QueryTypeBuckets.Name(bucket)).IncTo(count);
            }
        }

        for (var rcode = 0; rcode < 16; rcode++)
        {
            var count = counters.AnswersWithRcode(rcode);
            if (count > 0)
            {
                _responses.WithLabels(RcodeName(rcode)).IncTo(count);
            }
        }

        _actions.WithLabels("allow").IncTo(counters.Allowed);
        _actions.WithLabels("alert").IncTo(counters.Alerts);
        _actions.WithLabels("block").IncTo(counters.Blocked);
        _actions.WithLabels("fail_closed").IncTo(counters.FailClosed);
        _actions.WithLabels("redirection_blocked").IncTo(counters.RedirectionBlocked);
        UpdateRuleHits();
        _dropped.IncTo(counters.Dropped);
        _malformed.IncTo(counters.Malformed);
        _localAnswers.IncTo(counters.LocalAnswers);
        _limited.WithLabels("rate").IncTo(counters.RateLimited);
        _limited.WithLabels("in_flight").IncTo(counters.Overloaded);
        _limited.WithLabels("tcp_client").IncTo(counters.TcpClientConnectionsRefused);
        _cacheHits.IncTo(_cache.Hits);
        _cacheMisses.IncTo(_cache.Misses);
        _cacheInserts.IncTo(_cache.Inserts);
        _cacheEvictions.IncTo(_cache.Evictions);
        _cacheStale.IncTo(counters.StaleAnswers);
        _cachePrefetches.IncTo(counters.Prefetches);
        _cacheEntries.Set(_cache.Count);
        _cacheBytes.Set(_cache.Bytes);
        var now = Stopwatch.GetTimestamp();
        foreach (var upstream in _forwarder.Upstreams)
        {
            var label = upstream.EndPoint.ToString();
            _upstreamQueries.WithLabels(label).IncTo(upstream.Queries);
            _upstreamFailures.WithLabels(label).IncTo(upstream.Failures);
            _upstreamOutstanding.WithLabels(label).Set(upstream.Outstanding);
            _upstreamHealthy.WithLabels(label).Set(upstream.IsHealthy(now) ? 1 : 0);
        }

        _serverFailures.IncTo(counters.ServerFailures);
        _queryLogRecords.IncTo(_queryLog.Recorded);
        _queryLogDropped.IncTo(_queryLog.Dropped);
        _reloads.IncTo(_firewall.Reloads);
        _reloadFailures.IncTo(_firewall.ReloadFailures);
        _observationsDropped.IncTo(_observations.Dropped);
        if (_findings is not null)
        {
            foreach (var (type, (raised, occurrences)) in _findings.Snapshot())
            {
                _findingsRaised.WithLabels(type).IncTo(raised);
                _findingOccurrences.WithLabels(type).IncTo(occurrences);
            }
        }
    }

    private void UpdateRuleHits()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in _firewall.Current.Definition.RuleGroups)
        {
            names.TryAdd(group.Id, group.Name);
        }

        foreach (var (groupId, rule, hits) in _firewall.RuleHits.All())
        {
            var count = hits.Count;
            if (count > 0)
            {
                _ruleHits.WithLabels(names.GetValueOrDefault(groupId, groupId), groupId, rule).IncTo(count);
            }
        }
    }

    private static string RcodeName(int rcode) => rcode switch
    {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => "RCODE" + rcode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
