using System.Text.Json.Serialization;

namespace Resolver.Detection.Findings;

/// <summary>
/// What the resource did: <see cref="NetworkConnection"/> with <see cref="NetworkConnectionAction"/>, or
/// <see cref="DnsRequest"/> with <see cref="DnsRequestAction"/>; the other member is left out.
/// </summary>
public sealed record FindingAction
{
    public const string NetworkConnection = "NETWORK_CONNECTION";
    public const string DnsRequest = "DNS_REQUEST";

    public string ActionType { get; init; } = NetworkConnection;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NetworkConnectionAction? NetworkConnectionAction { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DnsRequestAction? DnsRequestAction { get; init; }
}
