namespace Resolver.Api.State;

/// <summary>A rule group associated with a network (AWS: a VPC) through the API.</summary>
public sealed class ApiAssociation
{
    public required string Id { get; init; }

    public required string FirewallRuleGroupId { get; init; }

    public required string VpcId { get; init; }

    public required string Name { get; set; }

    public int Priority { get; set; }

    public string MutationProtection { get; set; } = "DISABLED";

    public required string CreatorRequestId { get; init; }

    public DateTime CreationTime { get; init; }

    public DateTime ModificationTime { get; set; }
}
