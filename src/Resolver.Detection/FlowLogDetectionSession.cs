using Resolver.Detection.Baseline;
using Resolver.Detection.Bypass;
using Resolver.Detection.Catalog;
using Resolver.Detection.Findings;
using Resolver.Detection.FlowLogs;
using Resolver.Detection.State;

namespace Resolver.Detection;

/// <summary>
/// One detection run over flow-log files, batch or followed: reads files from where the state says the last
/// run stopped, feeds the <see cref="BypassDetector"/>, and saves baseline, findings and read positions.
/// Not thread-safe: one owner drives it.
/// </summary>
public sealed class FlowLogDetectionSession
{
    private readonly DetectionOptions _options;
    private readonly string? _stateFile;
    private readonly ResolverBaseline _baseline;
    private readonly FindingAggregator _findings;
    private readonly BypassDetector _detector;
    private readonly Dictionary<string, FlowLogCursor> _cursors = new(StringComparer.Ordinal);

    private FlowLogDetectionSession(DetectionOptions options, string? stateFile, DnsServiceCatalog catalog, AddressSet allowed, DetectionStateDocument state)
    {
        _options = options;
        _stateFile = stateFile;
        _baseline = new ResolverBaseline(options.LearningWindow) { Clock = state.Clock };
        foreach (var saved in state.Instances)
        {
            var instance = new InstanceBaseline(saved.Instance, saved.FirstSeen) { LastSeen = saved.LastSeen };
            foreach (var remote in saved.Remotes)
            {
                instance.Remotes[(remote.Kind, remote.Address)] = new RemoteUse
                {
                    FirstSeen = remote.FirstSeen,
                    LastSeen = remote.LastSeen,
                    FindingId = remote.FindingId,
                    AlertedAt = remote.AlertedAt,
                };
            }

            _baseline.Restore(instance);
        }

        _findings = new FindingAggregator(options.MaxFindings);
        _findings.Restore(state.Findings);
        foreach (var file in state.Files)
        {
            _cursors[file.Path] = new FlowLogCursor { Offset = file.Offset, Line = file.Line, Header = file.Header, Length = file.Length };
        }

        Catalog = catalog;
        _detector = new BypassDetector(options, catalog, allowed, _baseline, _findings);
    }

    public DnsServiceCatalog Catalog { get; }

    /// <summary>Records read in this session.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>Lines that could not be read in this session.</summary>
    public long BadLines { get; private set; }

    /// <summary>Every finding held, including those of earlier runs.</summary>
    public IReadOnlyCollection<Finding> Findings => _findings.All;

    public ResolverBaseline Baseline => _baseline;

    /// <summary>
    /// Loads the catalog (built-in and <see cref="DetectionOptions.ServiceFiles"/>), the allowed resolvers and
    /// the state. Throws <see cref="InvalidDataException"/> (catalog, state) or <see cref="FormatException"/>
    /// (allowed resolvers) when it cannot run.
    /// </summary>
    public static FlowLogDetectionSession Open(DetectionOptions options, string? stateFile)
    {
        var catalog = DnsServiceCatalog.Load(options.ServiceFiles);
        var allowed = AddressSet.Parse(options.AllowedResolvers, "allowed resolver (Resolver:Detection:AllowedResolvers, --allow)");
        var state = stateFile is null ? new DetectionStateDocument() : DetectionStateStore.Load(stateFile);
        return new FlowLogDetectionSession(options, stateFile, catalog, allowed, state);
    }

    /// <summary>
    /// Reads <paramref name="path"/> from where it was left. <paramref name="follow"/> leaves an unfinished last
    /// line for the next read (the file is still being written); false reads it too.
    /// </summary>
    public void ReadFile(string path, bool follow, Action<FlowLogDiagnostic> onBadLine)
    {
        var full = Path.GetFullPath(path);
        var from = _cursors.GetValueOrDefault(full) ?? FlowLogCursor.Start;
        _cursors[full] = FlowLogFileReader.Read(
            full,
            from,
            follow,
            record =>
            {
                RecordsRead++;
                _detector.Observe(record);
            },
            diagnostic =>
            {
                BadLines++;
                onBadLine(diagnostic);
            });
    }

    /// <summary>Whether <paramref name="path"/> may hold lines not read yet (its length changed since the last read).</summary>
    public bool MayHaveNewData(string path)
    {
        var full = Path.GetFullPath(path);
        return !_cursors.TryGetValue(full, out var cursor) || new FileInfo(full).Length != cursor.Length;
    }

    /// <summary>Findings new or updated since the last call, each with its count so far.</summary>
    public IReadOnlyList<Finding> TakeChangedFindings() => _findings.TakeChanged();

    /// <summary>
    /// Prunes what is older than the window (baseline) or the retention (findings), forgets read positions of
    /// files that are gone, and writes the state file when there is one.
    /// </summary>
    public void Save()
    {
        _baseline.Prune();
        if (_baseline.Clock is { } now)
        {
            _findings.PruneUpdatedBefore(now - _options.FindingRetention);
        }

        foreach (var path in _cursors.Keys.Where(path => !File.Exists(path)).ToList())
        {
            _cursors.Remove(path);
        }

        if (_stateFile is null)
        {
            return;
        }

        var document = new DetectionStateDocument
        {
            Clock = _baseline.Clock,
            Instances = [.. _baseline.Instances.OrderBy(instance => instance.Key, StringComparer.Ordinal).Select(instance => new InstanceState
            {
                Instance = instance.Key,
                FirstSeen = instance.FirstSeen,
                LastSeen = instance.LastSeen,
                Remotes = [.. instance.Remotes.OrderBy(pair => pair.Key.Kind).ThenBy(pair => pair.Key.Address, StringComparer.Ordinal).Select(pair => new RemoteState
                {
                    Kind = pair.Key.Kind,
                    Address = pair.Key.Address,
                    FirstSeen = pair.Value.FirstSeen,
                    LastSeen = pair.Value.LastSeen,
                    FindingId = pair.Value.FindingId,
                    AlertedAt = pair.Value.AlertedAt,
                })],
            })],
            Findings = [.. _findings.All.OrderBy(finding => finding.CreatedAt).ThenBy(finding => finding.Id, StringComparer.Ordinal)],
            Files = [.. _cursors.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new FileState
            {
                Path = pair.Key,
                Offset = pair.Value.Offset,
                Line = pair.Value.Line,
                Header = pair.Value.Header,
                Length = pair.Value.Length,
            })],
        };
        DetectionStateStore.Save(_stateFile, document);
    }

    /// <summary>The files a path names: the file itself, or every file of a folder (not below it), sorted.</summary>
    public static IReadOnlyList<string> FilesOf(string path)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path).Where(file => !Path.GetFileName(file).StartsWith('.')).ToList();
            files.Sort(StringComparer.Ordinal);
            return files;
        }

        if (File.Exists(path))
        {
            return [path];
        }

        throw new FileNotFoundException($"flow-log file or folder '{path}' does not exist", path);
    }
}
