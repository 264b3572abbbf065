using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolver.Detection.Findings;
using Resolver.Detection.FlowLogs;

namespace Resolver.Detection.Hosting;

/// <summary>
/// Follows a folder of flow-log files as they grow: new files and appended lines are read every
/// <see cref="DetectionOptions.PollInterval"/>, findings are appended to the findings file and logged at
/// Warning, and read positions are saved in the state so a restart does not read a line twice. Polling
/// rather than file events: logs often arrive on network or synced folders, where events are unreliable.
/// </summary>
public sealed class FlowLogFollower : BackgroundService
{
    public const string DefaultStateFileName = "flow-log-detection.json";
    public const string DefaultFindingsFileName = "findings.jsonl";

    private readonly DetectionOptions _options;
    private readonly string _stateFile;
    private readonly string _findingsFile;
    private readonly ILogger<FlowLogFollower> _logger;
    private readonly FindingMetrics? _metrics;
    private readonly Dictionary<string, long> _writtenCounts = new(StringComparer.Ordinal);
    private FlowLogDetectionSession? _session;
    private bool _folderMissingLogged;

    public FlowLogFollower(DetectionOptions options, string stateFile, string findingsFile, ILogger<FlowLogFollower> logger, FindingMetrics? metrics = null)
    {
        _metrics = metrics;
        _options = options;
        _stateFile = stateFile;
        _findingsFile = findingsFile;
        _logger = logger;
    }

    /// <summary>Loads catalog and state before the server reports started, so a bad file stops the start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _session = FlowLogDetectionSession.Open(_options, _stateFile);
        _logger.LogInformation(
            "Resolver-bypass detection follows {Folder} ({Services} catalog services, learning window {Window}); findings go to {FindingsFile}",
            _options.FlowLogFolder, _session.Catalog.Services.Count, _options.LearningWindow, _findingsFile);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        SaveQuietly();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start path: the first poll may read a large backlog.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Poll(stoppingToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Flow-log folder {Folder} could not be read: {Message}", _options.FlowLogFolder, exception.Message);
            }

            try
            {
                await Task.Delay(_options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over the folder: read what is new, write and log findings, save the state.</summary>
    internal void Poll(CancellationToken cancellationToken)
    {
        var session = _session ?? throw new InvalidOperationException("not started");
        var folder = _options.FlowLogFolder!;
        if (!Directory.Exists(folder))
        {
            if (!_folderMissingLogged)
            {
                _logger.LogWarning("Flow-log folder {Folder} does not exist (yet); detection waits for it", folder);
                _folderMissingLogged = true;
            }

            return;
        }

        _folderMissingLogged = false;
        var read = false;
        foreach (var file in FlowLogDetectionSession.FilesOf(folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!session.MayHaveNewData(file))
            {
                continue;
            }

            try
            {
                session.ReadFile(file, follow: true, LogBadLine);
                read = true;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Flow-log file {File} could not be read: {Message}", file, exception.Message);
            }
        }

        if (!read)
        {
            return;
        }

        var findings = session.TakeChangedFindings();
        if (findings.Count > 0)
        {
            FindingWriter.AppendToFile(_findingsFile, findings);
            if (_metrics is not null)
            {
                _metrics.Count(findings, _writtenCounts);
                foreach (var finding in findings)
                {
                    _writtenCounts[finding.Id] = finding.Service.Count;
                }
            }

            foreach (var finding in findings)
            {
                _logger.LogWarning(
                    "{Type} (severity {Severity}, count {Count}): {Description} Finding {Id}",
                    finding.Type, finding.Severity, finding.Service.Count, finding.Description, finding.Id);
            }
        }

        session.Save();
    }

    private void LogBadLine(FlowLogDiagnostic diagnostic) =>
        _logger.LogWarning("Flow-log line skipped: {Diagnostic}", diagnostic.ToString());

    private void SaveQuietly()
    {
        try
        {
            _session?.Save();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Detection state {StateFile} could not be saved: {Message}", _stateFile, exception.Message);
        }
    }
}
