using Resolver.Firewall.Domains;

namespace Resolver.Firewall.Rulesets;

/// <summary>A domain list to download from <see cref="Url"/> every <see cref="RefreshInterval"/>.</summary>
public sealed record RemoteListSpecification(string Name, Uri Url, TimeSpan RefreshInterval)
{
    /// <summary>The <c>format</c> the folder gave, kept so an export writes the list back as it was.</summary>
    public DomainListFormat Format { get; init; } = DomainListFormat.Auto;

    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromHours(1);

    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(1);
}
