namespace Resolver.Firewall.Rulesets;

/// <summary>A domain list to download from <see cref="Url"/> every <see cref="RefreshInterval"/>.</summary>
public sealed record RemoteListSpecification(string Name, Uri Url, TimeSpan RefreshInterval)
{
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromHours(1);

    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(1);
}
