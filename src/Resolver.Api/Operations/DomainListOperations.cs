using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Resolver.Api.Protocol;
using Resolver.Api.State;
using Resolver.Firewall.Model;

namespace Resolver.Api.Operations;

/// <summary>
/// Domain lists: Create/Get/Delete/List, ImportFirewallDomains, UpdateFirewallDomains and
/// ListFirewallDomains. Lists of the rulesets files (managed lists included) show too, read-only.
/// </summary>
internal sealed partial class DomainListOperations
{
    public const int MaxDomainLists = 1000;

    private const string Kind = "firewall-domain-list";
    private const string ResourceType = "FirewallDomainList";
    private const long MaxImportBytes = 256L * 1024 * 1024;

    private static readonly Lazy<HttpClient> Downloads = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(2) });

    private readonly FirewallApi _api;

    public DomainListOperations(FirewallApi api)
    {
        _api = api;
    }

    public void Register(Dictionary<string, Func<ApiCall, JsonObject>> operations)
    {
        operations["CreateFirewallDomainList"] = Create;
        operations["GetFirewallDomainList"] = Get;
        operations["DeleteFirewallDomainList"] = Delete;
        operations["ListFirewallDomainLists"] = List;
        operations["ImportFirewallDomains"] = Import;
        operations["UpdateFirewallDomains"] = Update;
        operations["ListFirewallDomains"] = ListDomains;
    }

    private JsonObject Create(ApiCall call)
    {
        var request = call.Request;
        var creatorRequestId = request.String("CreatorRequestId", required: true, max: 255)!;
        var name = request.Name(required: true)!;
        var existing = _api.State.DomainLists.Find(l => l.CreatorRequestId == creatorRequestId);
        if (existing is null)
        {
            if (_api.State.DomainLists.Count >= MaxDomainLists)
            {
                throw ApiException.LimitExceeded(ResourceType, $"The account has reached the limit of {MaxDomainLists} firewall domain lists.");
            }

            var now = _api.Time.GetUtcNow().UtcDateTime;
            existing = new ApiDomainList
            {
                Id = FirewallApi.NewId(ResourceIds.DomainListPrefix),
                Name = name,
                CreatorRequestId = creatorRequestId,
                CreationTime = now,
                ModificationTime = now,
            };
            _api.State.DomainLists.Add(existing);
            _api.Commit(existing);
        }

        return new JsonObject { ["FirewallDomainList"] = View(call, existing) };
    }

    private JsonObject Get(ApiCall call)
    {
        var id = call.Request.String("FirewallDomainListId", required: true, max: 64)!;
        return new JsonObject { ["FirewallDomainList"] = FindView(call, id) };
    }

    private JsonObject Delete(ApiCall call)
    {
        var id = call.Request.String("FirewallDomainListId", required: true, max: 64)!;
        var list = Owned(id);
        if (list.Status is "IMPORTING" or "UPDATING")
        {
            throw ApiException.Conflict($"The firewall domain list {id} is {list.Status}; try again when it is COMPLETE.");
        }

        foreach (var group in _api.State.RuleGroups)
        {
            if (group.Rules.Exists(r => r.FirewallDomainListId == id))
            {
                throw ApiException.Conflict($"The firewall domain list {id} is used by a rule of the firewall rule group {group.Id}; delete the rule first.");
            }
        }

        _api.State.DomainLists.Remove(list);
        _api.Commit();
        var view = View(call, list);
        view["Status"] = "DELETING";
        view["StatusMessage"] = "Deleting the Firewall Domain List";
        return new JsonObject { ["FirewallDomainList"] = view };
    }

    private JsonObject List(ApiCall call)
    {
        var all = new List<JsonObject>();
        foreach (var list in _api.Files.DomainLists)
        {
            var metadata = new JsonObject { ["Id"] = list.Id, ["Arn"] = _api.Arn(call, Kind, list.Id), ["Name"] = list.Name };
            if (list.ManagedOwnerName is { } owner)
            {
                metadata["ManagedOwnerName"] = owner;
            }

            all.Add(metadata);
        }

        foreach (var list in _api.State.DomainLists)
        {
            all.Add(new JsonObject { ["Id"] = list.Id, ["Arn"] = _api.Arn(call, Kind, list.Id), ["Name"] = list.Name, ["CreatorRequestId"] = list.CreatorRequestId });
        }

        var (page, next) = Pagination.Page(all, call.Request, maxLimit: 100);
        var answer = new JsonObject { ["FirewallDomainLists"] = new JsonArray([.. page]) };
        if (next is not null)
        {
            answer["NextToken"] = next;
        }

        return answer;
    }

    private JsonObject Import(ApiCall call)
    {
        var request = call.Request;
        var id = request.String("FirewallDomainListId", required: true, max: 64)!;
        request.Enum("Operation", true, "REPLACE");
        var url = request.String("DomainFileUrl", required: true, max: 1024)!;
        var list = Owned(id);
        var source = ImportSource(url);
        Busy(list);
        list.Status = "IMPORTING";
        list.StatusMessage = "Importing domains";
        list.ModificationTime = _api.Time.GetUtcNow().UtcDateTime;
        _api.Commit();
        _ = Task.Run(() => RunImportAsync(list, source));
        return StatusAnswer(list);
    }

    private JsonObject Update(ApiCall call)
    {
        var request = call.Request;
        var id = request.String("FirewallDomainListId", required: true, max: 64)!;
        var operation = request.Enum("Operation", true, "ADD", "REMOVE", "REPLACE")!;
        var domains = request.StringList("Domains", required: true, itemMin: 1, itemMax: 255)!;
        var list = Owned(id);
        Busy(list);
        var normalized = new List<string>(domains.Count);
        foreach (var domain in domains)
        {
            normalized.Add(FirewallApi.NormalizeDomain(domain, "domains"));
        }

        var updated = operation == "REPLACE" ? new SortedSet<string>(StringComparer.Ordinal) : new SortedSet<string>(list.Domains, StringComparer.Ordinal);
        foreach (var domain in normalized)
        {
            if (operation == "REMOVE")
            {
                updated.Remove(domain);
            }
            else
            {
                updated.Add(domain);
            }
        }

        list.Domains = updated;
        list.Compiled = null;
        list.Status = "COMPLETE";
        list.StatusMessage = "Finished domain update";
        list.ModificationTime = _api.Time.GetUtcNow().UtcDateTime;

        // Saved and live in the firewall before the answer, so an acknowledged update survives a crash; the
        // answer still says UPDATING, as the service's does, and a Get shows COMPLETE.
        _api.Commit(list);
        var answer = StatusAnswer(list);
        answer["Status"] = "UPDATING";
        answer["StatusMessage"] = "Updating the Firewall Domain List";
        return answer;
    }

    private JsonObject ListDomains(ApiCall call)
    {
        var id = call.Request.String("FirewallDomainListId", required: true, max: 64)!;
        List<string> domains;
        var owned = _api.State.DomainLists.Find(l => l.Id == id);
        if (owned is not null)
        {
            domains = [.. owned.Domains];
        }
        else
        {
            var file = FileList(id) ?? throw NotFound(id);
            domains = [];
            foreach (var domain in file.Domains)
            {
                domains.Add(domain.ToString());
            }

            domains.Sort(StringComparer.Ordinal);
        }

        var (page, next) = Pagination.Page(domains, call.Request, maxLimit: 5000);
        var answer = new JsonObject { ["Domains"] = new JsonArray([.. page.ConvertAll(d => (JsonNode?)JsonValue.Create(d))]) };
        if (next is not null)
        {
            answer["NextToken"] = next;
        }

        return answer;
    }

    private async Task RunImportAsync(ApiDomainList list, Uri source)
    {
        SortedSet<string>? domains = null;
        string? failure = null;
        try
        {
            domains = await ReadDomainsAsync(source).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or TaskCanceledException or UnauthorizedAccessException or InvalidDataException)
        {
            failure = exception.Message;
        }

        lock (_api.Gate)
        {
            if (!_api.State.DomainLists.Contains(list))
            {
                return;
            }

            if (domains is not null)
            {
                list.Domains = domains;
                list.Compiled = null;
                list.Status = "COMPLETE";
                list.StatusMessage = "Finished domain import";
            }
            else
            {
                list.Status = "COMPLETE_IMPORT_FAILED";
                list.StatusMessage = Truncate($"Import failed: {failure} The previous domains are kept.");
                LogImportFailed(_api.Logger, list.Id, source, failure!);
            }

            list.ModificationTime = _api.Time.GetUtcNow().UtcDateTime;
            _api.Commit(list);
        }
    }

    private static async Task<SortedSet<string>> ReadDomainsAsync(Uri source)
    {
        Stream stream;
        if (source.IsFile)
        {
            stream = File.OpenRead(source.LocalPath);
        }
        else
        {
            var response = await Downloads.Value.GetAsync(source, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        }

        var domains = new SortedSet<string>(StringComparer.Ordinal);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            var lineNumber = 0;
            long bytes = 0;
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                bytes += line.Length + 1;
                if (bytes > MaxImportBytes)
                {
                    throw new InvalidDataException($"The file is larger than {MaxImportBytes / (1024 * 1024)} MiB.");
                }

                var text = line.Trim();
                if (text.Length == 0 || text[0] == '#')
                {
                    continue;
                }

                if (!Firewall.Domains.DomainSpecification.TryParse(text, out var specification, out var error))
                {
                    throw new InvalidDataException($"Line {lineNumber}: '{Truncate(text, 80)}' is not a valid domain: {error}.");
                }

                domains.Add(specification.ToString());
            }
        }

        return domains;
    }

    /// <summary>
    /// A file:// URL, an http(s):// URL, or (because the AWS CLI reads a <c>file://</c> argument itself and
    /// sends its content) <c>file:/path</c> or a bare absolute path.
    /// </summary>
    private static Uri ImportSource(string url)
    {
        var path = url.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? url[5..] : url;
        if (Path.IsPathFullyQualified(path))
        {
            return new Uri(Path.GetFullPath(path));
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.IsFile || uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        throw ApiException.Validation(
            $"1 validation error detected: Value '{url}' at 'domainFileUrl' failed to satisfy constraint: this resolver imports from a file:// URL, file:/path, an absolute path or an http(s):// URL (it has no S3)");
    }

    private static void Busy(ApiDomainList list)
    {
        if (list.Status is "IMPORTING" or "UPDATING" or "DELETING")
        {
            throw ApiException.Conflict($"The firewall domain list {list.Id} is {list.Status}; try again when it is COMPLETE.");
        }
    }

    private static JsonObject StatusAnswer(ApiDomainList list) => new()
    {
        ["Id"] = list.Id,
        ["Name"] = list.Name,
        ["Status"] = list.Status,
        ["StatusMessage"] = list.StatusMessage,
    };

    private ApiDomainList Owned(string id)
    {
        var list = _api.State.DomainLists.Find(l => l.Id == id);
        if (list is not null)
        {
            return list;
        }

        var file = FileList(id) ?? throw NotFound(id);
        throw ApiException.AccessDenied(file.ManagedOwnerName is not null
            ? $"The firewall domain list {id} ({file.Name}) is managed by {file.ManagedOwnerName} and cannot be changed."
            : $"The firewall domain list {id} ({file.Name}) is defined in the rulesets files and is read-only through the API.");
    }

    private DomainList? FileList(string id)
    {
        foreach (var list in _api.Files.DomainLists)
        {
            if (list.Id == id)
            {
                return list;
            }
        }

        return null;
    }

    private JsonObject FindView(ApiCall call, string id)
    {
        var owned = _api.State.DomainLists.Find(l => l.Id == id);
        if (owned is not null)
        {
            return View(call, owned);
        }

        var file = FileList(id) ?? throw NotFound(id);
        var view = new JsonObject
        {
            ["Id"] = file.Id,
            ["Arn"] = _api.Arn(call, Kind, file.Id),
            ["Name"] = file.Name,
            ["DomainCount"] = file.Domains.Count,
            ["Status"] = file.LoadFailure is null ? "COMPLETE" : "COMPLETE_IMPORT_FAILED",
            ["StatusMessage"] = Truncate(file.LoadFailure ?? (file.ManagedOwnerName is null ? "Defined in the rulesets files (read-only through the API)" : "Managed list")),
        };
        if (file.ManagedOwnerName is { } owner)
        {
            view["ManagedOwnerName"] = owner;
        }

        return view;
    }

    private JsonObject View(ApiCall call, ApiDomainList list) => new()
    {
        ["Id"] = list.Id,
        ["Arn"] = _api.Arn(call, Kind, list.Id),
        ["Name"] = list.Name,
        ["DomainCount"] = list.Domains.Count,
        ["Status"] = list.Status,
        ["StatusMessage"] = list.StatusMessage,
        ["CreatorRequestId"] = list.CreatorRequestId,
        ["CreationTime"] = FirewallApi.Timestamp(list.CreationTime),
        ["ModificationTime"] = FirewallApi.Timestamp(list.ModificationTime),
    };

    private static ApiException NotFound(string id) => ApiException.NotFound(ResourceType, $"Can't find the resource with ID '{id}'. Trace Id: '{Guid.NewGuid():N}'");

    private static string Truncate(string text, int max = 255) => text.Length <= max ? text : text[..(max - 1)] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import into firewall domain list {ListId} from {Source} failed: {Reason}")]
    private static partial void LogImportFailed(ILogger logger, string listId, Uri source, string reason);
}
