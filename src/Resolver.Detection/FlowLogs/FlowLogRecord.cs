using System.Net;

namespace Resolver.Detection.FlowLogs;

/// <summary>
/// One flow-log record, with the fields detection reads; null where the format lacks the field or the
/// record says <c>-</c>.
/// </summary>
public sealed record FlowLogRecord
{
    public string? AccountId { get; init; }

    public string? InterfaceId { get; init; }

    public string? InstanceId { get; init; }

    public string? VpcId { get; init; }

    public string? SubnetId { get; init; }

    public IPAddress? SrcAddr { get; init; }

    public IPAddress? DstAddr { get; init; }

    public int? SrcPort { get; init; }

    public int? DstPort { get; init; }

    /// <summary>IANA protocol number: 6 TCP, 17 UDP.</summary>
    public int? Protocol { get; init; }

    public DateTimeOffset? Start { get; init; }

    public DateTimeOffset? End { get; init; }

    /// <summary>ACCEPT or REJECT.</summary>
    public string? Action { get; init; }

    /// <summary>OK, NODATA or SKIPDATA.</summary>
    public string? LogStatus { get; init; }

    /// <summary>ingress or egress (version 5 and later).</summary>
    public string? FlowDirection { get; init; }

    public IPAddress? PktSrcAddr { get; init; }

    public IPAddress? PktDstAddr { get; init; }

    /// <summary>When the flow was seen: its end, else its start. Detection runs on this clock, not the wall clock.</summary>
    public DateTimeOffset? Time => End ?? Start;
}
