namespace Resolver.Api.State;

/// <summary>A domain list made through the API. Its domains are stored apart (one file per list).</summary>
public sealed class ApiDomainList
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public required string CreatorRequestId { get; init; }

    public DateTime CreationTime { get; init; }

    public DateTime ModificationTime { get; set; }

    public string Status { get; set; } = "COMPLETE";

    public string StatusMessage { get; set; } = "Created Firewall Domain List";

    /// <summary>Normalised specifications (lower case, no trailing dot, <c>*.</c> for wildcards).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SortedSet<string> Domains { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The firewall's copy of the domains, made again only after they change.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal Resolver.Firewall.Model.DomainList? Compiled { get; set; }
}
