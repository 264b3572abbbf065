using System.Globalization;
using System.Net;
using Resolver.Detection.Baseline;
using Resolver.Detection.Catalog;
using Resolver.Detection.Findings;
using Resolver.Detection.FlowLogs;

namespace Resolver.Detection.Bypass;

/// <summary>Builds the GuardDuty-shaped finding for one flow that bypasses the resolver.</summary>
internal sealed class BypassFindingFactory
{
    private readonly DetectionOptions _options;
    private readonly string _detectorId;

    public BypassFindingFactory(DetectionOptions options)
    {
        _options = options;
        _detectorId = options.EffectiveDetectorId;
    }

    public static string Type(BypassKind kind) => kind switch
    {
        BypassKind.Dns => FindingTypes.UnusualDnsResolver,
        BypassKind.Doh => FindingTypes.UnusualDohActivity,
        _ => FindingTypes.UnusualDotActivity,
    };

    public static string Protocol(int protocol) => protocol switch
    {
        6 => "TCP",
        17 => "UDP",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    public static string Id(BypassKind kind, string instance, IPAddress remote, int port, int protocol) =>
        FindingIds.Create(Type(kind), instance, remote.ToString(), port.ToString(CultureInfo.InvariantCulture), Protocol(protocol));

    public Finding Create(BypassKind kind, string instance, FlowLogRecord record, IPAddress local, IPAddress remote, DnsService? service, DateTimeOffset at)
    {
        var type = Type(kind);
        var port = record.DstPort!.Value;
        var protocol = record.Protocol!.Value;
        var account = record.AccountId ?? _options.AccountId;
        var id = Id(kind, instance, remote, port, protocol);
        var subject = record.InstanceId ?? record.InterfaceId ?? local.ToString();
        var organization = service is null ? null : new FindingOrganization { Org = service.Provider };
        var remoteText = service is null ? remote.ToString() : $"{remote} ({service.Provider})";
        var window = FormatWindow(_options.LearningWindow);
        var (title, what) = kind switch
        {
            BypassKind.Dns => ("unusual DNS resolver", $"a public DNS resolver, on {Protocol(protocol)} port {port}"),
            BypassKind.Doh => ("unusual DNS-over-HTTPS server", $"a DNS-over-HTTPS service, on TCP port {port}"),
            _ => ("unusual DNS-over-TLS server", $"on TCP port {port} (DNS over TLS)"),
        };
        return new Finding
        {
            AccountId = account,
            Region = _options.Region,
            Id = id,
            Arn = FindingIds.Arn(_options.Region, account, _detectorId, id),
            Type = type,
            Severity = FindingTypes.Severity(type),
            Title = $"EC2 instance {subject} is communicating with an {title}.",
            Description = $"EC2 instance {subject} is communicating with {remoteText}, {what}, which it had not used in the last {window}. "
                + "DNS sent there bypasses the resolver's firewall and query log.",
            CreatedAt = at,
            UpdatedAt = at,
            Resource = new FindingResource
            {
                InstanceDetails = new InstanceDetails
                {
                    InstanceId = record.InstanceId,
                    NetworkInterfaces =
                    [
                        new NetworkInterfaceDetails
                        {
                            NetworkInterfaceId = record.InterfaceId,
                            PrivateIpAddress = local.ToString(),
                            VpcId = record.VpcId,
                            SubnetId = record.SubnetId,
                        },
                    ],
                },
            },
            Service = new FindingService
            {
                DetectorId = _detectorId,
                Action = new FindingAction
                {
                    ActionType = FindingAction.NetworkConnection,
                    NetworkConnectionAction = new NetworkConnectionAction
                    {
                        ConnectionDirection = "OUTBOUND",
                        Protocol = Protocol(protocol),
                        Blocked = false,
                        LocalIpDetails = IpAddressDetails.From(local),
                        LocalPortDetails = new PortDetails { Port = record.SrcPort ?? 0, PortName = "Unknown" },
                        RemoteIpDetails = IpAddressDetails.From(remote, organization),
                        RemotePortDetails = new PortDetails { Port = port, PortName = PortName(port) },
                    },
                },
                Count = 1,
                EventFirstSeen = record.Start ?? at,
                EventLastSeen = record.End ?? at,
            },
        };
    }

    private static string PortName(int port) => port switch
    {
        53 => "DNS",
        443 => "HTTPS",
        853 => "DNS over TLS",
        _ => "Unknown",
    };

    internal static string FormatWindow(TimeSpan window) =>
        window.Ticks % TimeSpan.TicksPerDay == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{window.Days} day{(window.Days == 1 ? "" : "s")}")
            : window.ToString("c", CultureInfo.InvariantCulture);
}
