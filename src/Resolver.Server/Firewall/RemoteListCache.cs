using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resolver.Firewall.Rulesets;
using Resolver.Server.Configuration;

namespace Resolver.Server.Firewall;

/// <summary>
/// Downloads remote domain lists into the state folder and keeps the last good copy of each: a failed
/// refresh never takes a list away. The loader reads only these copies, so loading never waits on HTTP.
/// </summary>
public sealed partial class RemoteListCache : IRemoteListCache, IDisposable
{
    // Made on first download: HTTP and TLS cost several megabytes resident that a folder without
    // remote lists should not pay.
    private readonly Lock _httpLock = new();
    private readonly TimeSpan _timeout;
    private HttpClient? _http;
    private readonly string _folder;
    private readonly ILogger<RemoteListCache> _logger;
    private readonly ConcurrentDictionary<Uri, string> _failures = new();

    public RemoteListCache(IOptions<DnsServerOptions> options, ILogger<RemoteListCache> logger)
    {
        _logger = logger;
        _folder = Path.Combine(Path.GetFullPath(options.Value.StateDirectory), "lists");
        _timeout = options.Value.RemoteListTimeout;
    }

    public string? CachedPath(Uri url)
    {
        var path = PathOf(url);
        return File.Exists(path) ? path : null;
    }

    public string? LastFailure(Uri url) => _failures.TryGetValue(url, out var failure) ? failure : null;

    /// <summary>Downloads one list; true when the cached copy changed (or appeared).</summary>
    public async Task<bool> RefreshAsync(RemoteListSpecification list, CancellationToken cancellationToken)
    {
        try
        {
            var body = await Http().GetByteArrayAsync(list.Url, cancellationToken).ConfigureAwait(false);
            _failures.TryRemove(list.Url, out _);
            var path = PathOf(list.Url);
            if (File.Exists(path) && (await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(body))
            {
                return false;
            }

            Directory.CreateDirectory(_folder);
            var temporary = path + ".tmp";
            await File.WriteAllBytesAsync(temporary, body, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
            LogDownloaded(list.Name, list.Url, body.Length);
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var reason = exception is TaskCanceledException ? "timed out" : exception.Message;
            var first = !_failures.ContainsKey(list.Url);
            _failures[list.Url] = reason;
            LogDownloadFailed(list.Name, list.Url, reason, CachedPath(list.Url) is not null);
            return first && CachedPath(list.Url) is null;
        }
    }

    public void Dispose()
    {
        lock (_httpLock)
        {
            _http?.Dispose();
        }
    }

    private HttpClient Http()
    {
        lock (_httpLock)
        {
            if (_http is null)
            {
                _http = new HttpClient { Timeout = _timeout };
                _http.DefaultRequestHeaders.UserAgent.ParseAdd("resolver/" + Hosting.DnsServerService.Version);
            }

            return _http;
        }
    }

    private string PathOf(Uri url) =>
        Path.Combine(_folder, Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(url.AbsoluteUri))) + ".list");

    [LoggerMessage(Level = LogLevel.Information, Message = "Domain list {Name} downloaded from {Url} ({Bytes} bytes)")]
    private partial void LogDownloaded(string name, Uri url, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Domain list {Name}: download from {Url} failed ({Reason}); last good copy kept: {HasCopy}")]
    private partial void LogDownloadFailed(string name, Uri url, string reason, bool hasCopy);
}
