using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolver.Detection.Findings;
using Resolver.Firewall.Model;
using Resolver.Firewall.ThreatProtection;
using Resolver.Server.Detection;

namespace Resolver.Detection.DnsQueries;

/// <summary>
/// Reads the queries the server observed, scores them with <see cref="DnsQueryDetector"/> and, once a
/// second, appends the findings raised or updated since to the findings file (JSON lines; <c>-</c> is
/// standard output), logging new ones at Warning. The query path only copies into the observation queue.
/// </summary>
public sealed partial class DnsFindingService : BackgroundService
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly QueryObservations _observations;
    private readonly DnsQueryDetector _detector;
    private readonly FindingMetrics _metrics;
    private readonly string _findingsFile;
    private readonly ILogger<DnsFindingService> _logger;
    private readonly Dictionary<string, long> _writtenCounts = new(StringComparer.Ordinal);

    public DnsFindingService(QueryObservations observations, DetectionOptions options, FindingMetrics metrics, string findingsFile, ILogger<DnsFindingService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _observations = observations;
        _metrics = metrics;
        _findingsFile = findingsFile;
        _logger = logger;
        _detector = new DnsQueryDetector(options, PublicSuffixList.LoadDefault(), new FindingAggregator(options.MaxFindings), observations.Time);
    }

    public DnsQueryDetector Detector => _detector;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _observations.Pending;
        var nextFlush = DateTime.UtcNow + FlushInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(FlushInterval);
                try
                {
                    await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // No query for a second: flush what is pending.
                }

                while (reader.TryRead(out var observation))
                {
                    Observe(observation);
                    _observations.Return(observation);
                }

                if (DateTime.UtcNow >= nextFlush)
                {
                    Flush();
                    nextFlush = DateTime.UtcNow + FlushInterval;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Flush();
        }
    }

    private void Observe(QueryObservation observation)
    {
        var blocked = observation.Rule is { } rule && rule.Rule.Action == FirewallAction.Block;
        _detector.Observe(observation.LowerWireName, observation.Qtype, observation.Client, observation.Network?.Network.Name, blocked, observation.Timestamp);
    }

    private void Flush()
    {
        var changed = _detector.Findings.TakeChanged();
        if (changed.Count == 0)
        {
            return;
        }

        try
        {
            if (_findingsFile == "-")
            {
                new FindingWriter(Console.Out).Write(changed);
            }
            else
            {
                FindingWriter.AppendToFile(_findingsFile, changed);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(exception, _findingsFile);
        }

        _metrics.Count(changed, _writtenCounts);
        foreach (var finding in changed)
        {
            if (!_writtenCounts.ContainsKey(finding.Id))
            {
                LogFinding(finding.Type, finding.Title, finding.Id);
            }

            _writtenCounts[finding.Id] = finding.Service.Count;
        }

        // Bounded like the aggregator: counts of findings it no longer holds are of no use.
        if (_writtenCounts.Count > 2 * _detector.Findings.Capacity)
        {
            foreach (var id in _writtenCounts.Keys.ToList())
            {
                if (!_detector.Findings.TryGet(id, out _))
                {
                    _writtenCounts.Remove(id);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Finding {Type}: {Title} (id {Id})")]
    private partial void LogFinding(string type, string title, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not append findings to {File}")]
    private partial void LogWriteFailed(Exception exception, string file);
}
