using System.Text.Json.Serialization;

namespace Resolver.Detection.Findings;

/// <summary>Who runs an address; here the provider named by the public DNS service catalog.</summary>
public sealed record FindingOrganization
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Org { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Asn { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AsnOrg { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Isp { get; init; }
}
