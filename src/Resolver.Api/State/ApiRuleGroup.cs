namespace Resolver.Api.State;

/// <summary>A rule group made through the API.</summary>
public sealed class ApiRuleGroup
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string CreatorRequestId { get; init; }

    public DateTime CreationTime { get; init; }

    public DateTime ModificationTime { get; set; }

    public List<ApiRule> Rules { get; init; } = [];
}
