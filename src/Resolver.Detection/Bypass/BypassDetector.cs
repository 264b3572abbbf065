using System.Net;
using Resolver.Detection.Baseline;
using Resolver.Detection.Catalog;
using Resolver.Detection.Findings;
using Resolver.Detection.FlowLogs;

namespace Resolver.Detection.Bypass;

/// <summary>
/// Judges flow records as GuardDuty's resolver-bypass detections do. An instance's first record starts its
/// learning period, during which every resolver, DoH and DoT server it uses is learned silently. After it,
/// traffic to a server of a kind the instance has not used within the window raises a finding (unless the
/// server is an allowed resolver) and the server is learned; further traffic to it within a window of the
/// finding counts on that finding.
/// </summary>
public sealed class BypassDetector
{
    private const int Tcp = 6;
    private const int Udp = 17;

    private readonly DnsServiceCatalog _catalog;
    private readonly AddressSet _allowed;
    private readonly ResolverBaseline _baseline;
    private readonly FindingAggregator _findings;
    private readonly BypassFindingFactory _factory;

    public BypassDetector(DetectionOptions options, DnsServiceCatalog catalog, AddressSet allowed, ResolverBaseline baseline, FindingAggregator findings)
    {
        _catalog = catalog;
        _allowed = allowed;
        _baseline = baseline;
        _findings = findings;
        _factory = new BypassFindingFactory(options);
    }

    /// <summary>Outbound DNS, DoH or DoT flows judged (learned, known or raised).</summary>
    public long FlowsJudged { get; private set; }

    public void Observe(FlowLogRecord record)
    {
        if (record.LogStatus is { } status && !string.Equals(status, "OK", StringComparison.Ordinal))
        {
            return;
        }

        if (record.Time is not { } at || record.SrcAddr is not { } local || (record.PktDstAddr ?? record.DstAddr) is not { } remote
            || record.DstPort is not { } port || record.Protocol is not { } protocol)
        {
            return;
        }

        if (!IsOutbound(record, local) || !PublicAddresses.IsPublic(remote))
        {
            return;
        }

        var instanceKey = record.InterfaceId ?? local.ToString();
        var instance = _baseline.Touch(instanceKey, at);
        if (record.Action is { } action && !string.Equals(action, "ACCEPT", StringComparison.Ordinal))
        {
            return;
        }

        var service = _catalog.Find(remote);
        if (Classify(protocol, port, service) is not { } kind || _allowed.Contains(remote))
        {
            return;
        }

        FlowsJudged++;
        var key = (kind, remote.ToString());
        instance.Remotes.TryGetValue(key, out var use);
        if (_baseline.IsLearning(instance, at))
        {
            Learn(instance, key, use, at);
            return;
        }

        if (_baseline.IsKnown(use, at))
        {
            if (use!.FindingId is { } findingId && use.AlertedAt is { } alertedAt && at - alertedAt <= _baseline.Window)
            {
                _findings.TryRecordRepeat(findingId, record.Start ?? at, record.End ?? at);
            }

            Learn(instance, key, use, at);
            return;
        }

        var finding = _findings.Record(_factory.Create(kind, instanceKey, record, local, remote, service, at));
        instance.Remotes[key] = new RemoteUse { FirstSeen = at, LastSeen = at, FindingId = finding.Id, AlertedAt = at };
    }

    /// <summary>
    /// The flow-direction field decides when present; otherwise the instance side is the source, so a
    /// private source talking to a public destination is outbound (answers coming back have them reversed).
    /// </summary>
    private static bool IsOutbound(FlowLogRecord record, IPAddress local) => record.FlowDirection is { } direction
        ? string.Equals(direction, "egress", StringComparison.Ordinal)
        : !PublicAddresses.IsPublic(local);

    private static BypassKind? Classify(int protocol, int port, DnsService? service) => (protocol, port) switch
    {
        (Udp or Tcp, 53) => BypassKind.Dns,
        (Tcp, 853) => BypassKind.Dot,
        (Tcp, 443) when service is not null && service.Kinds.HasFlag(DnsServiceKinds.Doh) => BypassKind.Doh,
        _ => null,
    };

    private static void Learn(InstanceBaseline instance, (BypassKind, string) key, RemoteUse? use, DateTimeOffset at)
    {
        if (use is null)
        {
            instance.Remotes[key] = new RemoteUse { FirstSeen = at, LastSeen = at };
        }
        else if (at > use.LastSeen)
        {
            use.LastSeen = at;
        }
    }
}
