using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace Resolver.Detection.Findings;

/// <summary>An address as GuardDuty writes it: in ipAddressV4 or ipAddressV6, the other left out.</summary>
public sealed record IpAddressDetails
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IpAddressV4 { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IpAddressV6 { get; init; }

    public static IpAddressDetails From(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? new IpAddressDetails { IpAddressV4 = address.ToString() }
        : new IpAddressDetails { IpAddressV6 = address.ToString() };
}
