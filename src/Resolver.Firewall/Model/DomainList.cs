using Resolver.Firewall.Domains;

namespace Resolver.Firewall.Model;

/// <summary>
/// A named list of domain specifications. A list whose source could not be read has
/// <see cref="LoadFailure"/> set: rules that use it make their networks fail open or closed.
/// </summary>
public sealed record DomainList(string Name, IReadOnlyCollection<DomainSpecification> Domains)
{
    private readonly string? _id;

    /// <summary>The AWS-style id: given for API-made lists, derived from the name for the others.</summary>
    public string Id
    {
        get => _id ?? ResourceIds.DomainList(Name);
        init => _id = value;
    }

    /// <summary>Set on the managed lists (AWS <c>ManagedOwnerName</c>).</summary>
    public string? ManagedOwnerName { get; init; }

    public string? Description { get; init; }

    /// <summary>Where the entries came from: inline, a file path or a URL.</summary>
    public string? Source { get; init; }

    public string? LoadFailure { get; init; }
}
