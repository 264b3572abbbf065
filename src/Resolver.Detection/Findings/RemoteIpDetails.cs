using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace Resolver.Detection.Findings;

/// <summary>The far end: its address and, when known, who runs it.</summary>
public sealed record RemoteIpDetails
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IpAddressV4 { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IpAddressV6 { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FindingOrganization? Organization { get; init; }

    public static RemoteIpDetails From(IPAddress address, FindingOrganization? organization) => address.AddressFamily == AddressFamily.InterNetwork
        ? new RemoteIpDetails { IpAddressV4 = address.ToString(), Organization = organization }
        : new RemoteIpDetails { IpAddressV6 = address.ToString(), Organization = organization };
}
