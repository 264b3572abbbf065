using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Resolver.Server.QueryLogging;

/// <summary>Writes queued query-log records as JSON lines to a file or standard output, off the query path.</summary>
public sealed partial class QueryLogWriter : BackgroundService
{
    private static ReadOnlySpan<byte> NewLine => "\n"u8;

    private readonly QueryLog _log;
    private readonly ILogger<QueryLogWriter> _logger;

    public QueryLogWriter(QueryLog log, ILogger<QueryLogWriter> logger)
    {
        _log = log;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_log.Mode == QueryLogMode.Off)
        {
            return;
        }

        var options = _log.Options;
        await using var stream = options.Path == "-"
            ? Console.OpenStandardOutput()
            : new FileStream(options.Path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
        LogStarted(options.Mode, options.Path == "-" ? "standard output" : Path.GetFullPath(options.Path));
        var reader = _log.Pending;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await DrainAsync(json, stream).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what is queued is still written below.
        }

        await DrainAsync(json, stream).ConfigureAwait(false);
    }

    private async Task DrainAsync(Utf8JsonWriter json, Stream stream)
    {
        var reader = _log.Pending;
        while (reader.TryRead(out var entry))
        {
            try
            {
                QueryLogFormatter.Write(json, entry, _log.Options);
                await json.FlushAsync().ConfigureAwait(false);
                json.Reset();
                stream.Write(NewLine);
            }
            finally
            {
                _log.Return(entry);
            }
        }

        await stream.FlushAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Query log: {Mode} queries to {Destination}")]
    private partial void LogStarted(QueryLogMode mode, string destination);
}
