using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolver.Firewall.Rulesets;
using Resolver.Server.Configuration;

namespace Resolver.Server.Firewall;

/// <summary>
/// Loads the rulesets folder at start (refusing to start on errors), then reloads it in the background
/// when a file in it changes or on SIGHUP. A reload with errors is logged with file, line and reason and
/// the firewall already in force keeps serving.
/// </summary>
public sealed partial class RulesetReloadService : IHostedService, IDisposable
{
    private const string DefaultFolder = "rulesets";

    private static readonly TimeSpan RefreshCheckInterval = TimeSpan.FromSeconds(1);

    private readonly FirewallState _state;
    private readonly RemoteListCache _cache;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<Uri, DateTime> _nextRefresh = [];
    private IReadOnlyList<RemoteListSpecification> _remoteLists = [];
    private Task _refreshLoop = Task.CompletedTask;
    private readonly DnsServerOptions _options;
    private readonly ILogger<RulesetReloadService> _logger;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private readonly string _folder;
    private FileSystemWatcher? _watcher;
    private PosixSignalRegistration? _hangup;
    private Timer? _debounce;

    public RulesetReloadService(FirewallState state, RemoteListCache cache, IOptions<DnsServerOptions> options, ILogger<RulesetReloadService> logger)
    {
        _state = state;
        _cache = cache;
        _options = options.Value;
        _logger = logger;
        _folder = Path.GetFullPath(_options.Rulesets);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_folder))
        {
            if (!string.Equals(_options.Rulesets.TrimEnd('/'), DefaultFolder, StringComparison.Ordinal)
                && !string.Equals(_options.Rulesets.TrimEnd('/'), "./" + DefaultFolder, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"rulesets folder '{_folder}' does not exist (--rulesets)");
            }

            LogNoFolder(_folder);
            _state.Apply(RulesetLoader.LoadBuiltInDefault());
            return;
        }

        var result = RulesetLoader.Load(_folder, _cache);
        if (result.Succeeded && await DownloadMissingAsync(result.RemoteLists, cancellationToken).ConfigureAwait(false))
        {
            result = RulesetLoader.Load(_folder, _cache);
        }

        LogDiagnostics(result);
        if (!_state.Apply(result))
        {
            throw new InvalidDataException(
                $"rulesets in '{_folder}' have errors:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", result.Errors));
        }

        LogLoaded(_folder, result.Definition!.DomainLists.Count, _state.Current.IndexedNames, result.Definition.RuleGroups.Count, result.Definition.Networks.Count);
        TrackRemoteLists(result.RemoteLists);
        _refreshLoop = RefreshLoopAsync(_stopping.Token);
        _debounce = new Timer(_ => _ = ReloadAsync(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(_folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += OnChanged;
        _watcher.Created += OnChanged;
        _watcher.Deleted += OnChanged;
        _watcher.Renamed += OnChanged;
        _watcher.EnableRaisingEvents = true;
        if (!OperatingSystem.IsWindows())
        {
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                ScheduleReload(TimeSpan.Zero);
            });
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _refreshLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _hangup?.Dispose();
        _hangup = null;
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
        }
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        _watcher?.Dispose();
        _debounce?.Dispose();
        _reloadLock.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Reloads now; used by SIGHUP, the file watcher and tests.</summary>
    public async Task<bool> ReloadAsync()
    {
        await _reloadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var result = await Task.Run(() => RulesetLoader.Load(_folder, _cache)).ConfigureAwait(false);
            LogDiagnostics(result);
            if (_state.Apply(result))
            {
                TrackRemoteLists(result.RemoteLists);
                LogLoaded(_folder, result.Definition!.DomainLists.Count, _state.Current.IndexedNames, result.Definition.RuleGroups.Count, result.Definition.Networks.Count);
                return true;
            }

            LogReloadRejected(_folder, result.Errors.Count());
            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogReloadFailed(exception, _folder);
            return false;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    /// <summary>At start, remote lists without a cached copy are fetched once (bounded) so the first load has them.</summary>
    private async Task<bool> DownloadMissingAsync(IReadOnlyList<RemoteListSpecification> lists, CancellationToken cancellationToken)
    {
        var missing = lists.Where(l => _cache.CachedPath(l.Url) is null).ToList();
        if (missing.Count == 0)
        {
            return false;
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_options.RemoteListStartupWait);
        try
        {
            var results = await Task.WhenAll(missing.Select(l => _cache.RefreshAsync(l, bound.Token))).ConfigureAwait(false);
            return results.Any(changed => changed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return missing.Any(l => _cache.CachedPath(l.Url) is not null);
        }
    }

    private void TrackRemoteLists(IReadOnlyList<RemoteListSpecification> lists)
    {
        lock (_nextRefresh)
        {
            var now = DateTime.UtcNow;
            foreach (var list in lists)
            {
                if (!_nextRefresh.ContainsKey(list.Url))
                {
                    _nextRefresh[list.Url] = _cache.CachedPath(list.Url) is null ? now : now + list.RefreshInterval;
                }
            }

            _remoteLists = lists;
        }
    }

    private async Task RefreshLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(RefreshCheckInterval);
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
        {
            List<RemoteListSpecification> due = [];
            lock (_nextRefresh)
            {
                var now = DateTime.UtcNow;
                foreach (var list in _remoteLists)
                {
                    if (_nextRefresh.TryGetValue(list.Url, out var next) && next <= now)
                    {
                        due.Add(list);
                        _nextRefresh[list.Url] = now + list.RefreshInterval;
                    }
                }
            }

            var changed = false;
            foreach (var list in due)
            {
                changed |= await _cache.RefreshAsync(list, stopping).ConfigureAwait(false);
            }

            if (changed)
            {
                await ReloadAsync().ConfigureAwait(false);
            }
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => ScheduleReload(_options.RulesetsReloadDelay);

    private void ScheduleReload(TimeSpan delay) => _debounce?.Change(delay, Timeout.InfiniteTimeSpan);

    private void LogDiagnostics(RulesetLoadResult result)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            if (diagnostic.IsError)
            {
                LogRulesetError(diagnostic.ToString());
            }
            else
            {
                LogRulesetWarning(diagnostic.ToString());
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rulesets loaded from {Folder}: {Lists} domain lists ({Names} names), {Groups} rule groups, {Networks} networks")]
    private partial void LogLoaded(string folder, int lists, int names, int groups, int networks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No rulesets folder at {Folder}: using the built-in default policy (block the managed malware and botnet lists)")]
    private partial void LogNoFolder(string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Diagnostic}")]
    private partial void LogRulesetError(string diagnostic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Diagnostic}")]
    private partial void LogRulesetWarning(string diagnostic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rulesets in {Folder} rejected ({Errors} errors): the previous rules stay in force")]
    private partial void LogReloadRejected(string folder, int errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading rulesets from {Folder} failed: the previous rules stay in force")]
    private partial void LogReloadFailed(Exception exception, string folder);
}
