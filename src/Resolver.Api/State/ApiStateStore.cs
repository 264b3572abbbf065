using System.Text;
using System.Text.Json;

namespace Resolver.Api.State;

/// <summary>
/// Keeps the API's resources in the state folder: <c>api/state.json</c> for the resources and one
/// <c>api/domains/ID.txt</c> per list. Every file is written to a temporary name, flushed to disk and
/// renamed over the old one, so a crash leaves either the old or the new version, never half of one,
/// and what was acknowledged (saved before the answer) survives.
/// </summary>
public sealed class ApiStateStore
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly string _folder;
    private readonly string _domainsFolder;

    public ApiStateStore(string stateDirectory)
    {
        _folder = Path.Combine(Path.GetFullPath(stateDirectory), "api");
        _domainsFolder = Path.Combine(_folder, "domains");
    }

    public string StateFile => Path.Combine(_folder, "state.json");

    /// <summary>The saved state, or an empty one when nothing was saved yet.</summary>
    public ApiState Load()
    {
        if (!File.Exists(StateFile))
        {
            return new ApiState();
        }

        ApiState state;
        try
        {
            state = JsonSerializer.Deserialize<ApiState>(File.ReadAllBytes(StateFile), JsonOptions) ?? new ApiState();
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{StateFile}: not a valid API state file: {exception.Message}", exception);
        }

        foreach (var list in state.DomainLists)
        {
            var path = DomainsFile(list.Id);
            list.Domains = new SortedSet<string>(File.Exists(path) ? File.ReadAllLines(path) : [], StringComparer.Ordinal);
        }

        return state;
    }

    /// <summary>Saves the resources, and the domains of the lists named (the others did not change).</summary>
    public void Save(ApiState state, IEnumerable<ApiDomainList> changedLists)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(changedLists);
        Directory.CreateDirectory(_domainsFolder);
        foreach (var list in changedLists)
        {
            var text = new StringBuilder();
            foreach (var domain in list.Domains)
            {
                text.Append(domain).Append('\n');
            }

            WriteAtomically(DomainsFile(list.Id), Encoding.UTF8.GetBytes(text.ToString()));
        }

        WriteAtomically(StateFile, JsonSerializer.SerializeToUtf8Bytes(state, JsonOptions));
        foreach (var file in Directory.EnumerateFiles(_domainsFolder, "*.txt"))
        {
            var id = Path.GetFileNameWithoutExtension(file);
            if (!state.DomainLists.Exists(l => l.Id == id))
            {
                File.Delete(file);
            }
        }
    }

    private string DomainsFile(string id) => Path.Combine(_domainsFolder, id + ".txt");

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
