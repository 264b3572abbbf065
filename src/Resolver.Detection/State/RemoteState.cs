using Resolver.Detection.Baseline;

namespace Resolver.Detection.State;

internal sealed class RemoteState
{
    public BypassKind Kind { get; set; }

    public string Address { get; set; } = "";

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public string? FindingId { get; set; }

    public DateTimeOffset? AlertedAt { get; set; }
}
