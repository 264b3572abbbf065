using System.Net;

namespace Resolver.Detection.Catalog;

/// <summary>One catalog entry: a provider's public DNS service and the addresses it answers on.</summary>
public sealed record DnsService
{
    public required string Provider { get; init; }

    public required DnsServiceKinds Kinds { get; init; }

    /// <summary>Where the addresses were taken from (the provider's documentation).</summary>
    public required string Source { get; init; }

    public required IReadOnlyList<IPNetwork> Addresses { get; init; }

    /// <summary>The file and line that define the entry, for messages.</summary>
    public required string Origin { get; init; }
}
