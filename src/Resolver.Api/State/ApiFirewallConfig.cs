namespace Resolver.Api.State;

/// <summary>A network's fail-open setting changed through the API (AWS <c>FirewallConfig</c>).</summary>
public sealed class ApiFirewallConfig
{
    public required string Id { get; init; }

    public required string ResourceId { get; init; }

    public required string FirewallFailOpen { get; set; }
}
