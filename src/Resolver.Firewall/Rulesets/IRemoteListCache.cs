namespace Resolver.Firewall.Rulesets;

/// <summary>
/// Where the loader finds the last good copy of a remote list. Downloading is not the loader's business:
/// it only reads what the cache holds, so a load never waits on the network.
/// </summary>
public interface IRemoteListCache
{
    /// <summary>The path of the cached copy of <paramref name="url"/>, or null when there is none.</summary>
    string? CachedPath(Uri url);

    /// <summary>Why there is no copy (the last download error), or null when none was tried yet.</summary>
    string? LastFailure(Uri url);
}
