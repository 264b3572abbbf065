using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace Resolver.Detection.Findings;

/// <summary>
/// An address as GuardDuty writes it: in ipAddressV4 or ipAddressV6, the other left out; for the far end
/// of a connection also who runs it (left out when unknown, and always for the local end).
/// </summary>
public sealed record IpAddressDetails
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IpAddressV4 { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IpAddressV6 { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FindingOrganization? Organization { get; init; }

    public static IpAddressDetails From(IPAddress address, FindingOrganization? organization = null) => address.AddressFamily == AddressFamily.InterNetwork
        ? new IpAddressDetails { IpAddressV4 = address.ToString(), Organization = organization }
        : new IpAddressDetails { IpAddressV6 = address.ToString(), Organization = organization };
}
