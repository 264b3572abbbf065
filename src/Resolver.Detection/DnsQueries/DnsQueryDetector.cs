using System.Net;
using Resolver.Detection.Findings;
using Resolver.Dns.Wire;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Managed;
using Resolver.Firewall.Model;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Detection.DnsQueries;

/// <summary>
/// GuardDuty's DNS-log findings from the resolver's own query stream: a query for a botnet C&amp;C name
/// (the managed AWSManagedDomainsBotnetCommandandControl list), for a mining pool
/// (ResolverManagedCryptoMiningPools), for an algorithmically generated name (DGA score) or one of a
/// tunnel (DNS_TUNNELING score, per parent domain). Fed by one reader: not thread-safe, and its
/// tunnelling state is its own, apart from the firewall's.
/// </summary>
public sealed class DnsQueryDetector
{
    private const string CommandAndControlList = "AWSManagedDomainsBotnetCommandandControl";
    private const string MiningPoolList = "ResolverManagedCryptoMiningPools";

    private readonly CompiledFirewall _lists;
    private readonly ThreatDetector _threats;
    private readonly PublicSuffixList _suffixes;
    private readonly FindingAggregator _findings;
    private readonly DetectionOptions _options;
    private readonly ThreatConfidence _threshold;
    private readonly string _detectorId;

    public DnsQueryDetector(DetectionOptions options, PublicSuffixList suffixes, FindingAggregator findings, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _suffixes = suffixes;
        _findings = findings;
        _threshold = options.DnsFindingsConfidence;
        _detectorId = options.EffectiveDetectorId;
        _threats = new ThreatDetector(suffixes, time: time);
        _lists = CompileLists();
    }

    public FindingAggregator Findings => _findings;

    /// <summary>Looks at one query; records a finding (or one more occurrence of it) for each kind it shows.</summary>
    /// <param name="mappedClient">The client's address, 16 bytes (IPv4 mapped into IPv6).</param>
    public void Observe(ReadOnlySpan<byte> lowerWireName, ushort qtype, ReadOnlySpan<byte> mappedClient, string? network, bool blocked, DateTimeOffset at)
    {
        var listed = _lists.Evaluate(_lists.Networks[0], lowerWireName, qtype);
        if (listed.Rule is { } rule)
        {
            var type = rule.Rule.Name == CommandAndControlList ? FindingTypes.CommandAndControlActivity : FindingTypes.BitcoinTool;
            var domain = Text(lowerWireName, 0);
            var key = type == FindingTypes.BitcoinTool ? RegistrableDomain(lowerWireName) : domain;
            Record(type, mappedClient, network, key, domain, blocked, at);
        }

        if (_threats.Score(DnsThreatProtection.Dga, lowerWireName, qtype) >= _threshold)
        {
            // One finding per host: a DGA walks through thousands of names, each seen once.
            Record(FindingTypes.DgaDomainRequest, mappedClient, network, key: null, Text(lowerWireName, 0), blocked, at);
        }

        if (_threats.Score(DnsThreatProtection.DnsTunneling, lowerWireName, qtype) >= _threshold)
        {
            var parent = RegistrableDomain(lowerWireName);
            Record(FindingTypes.DnsDataExfiltration, mappedClient, network, parent, parent, blocked, at);
        }
    }

    private void Record(string type, ReadOnlySpan<byte> mappedClient, string? network, string? key, string domain, bool blocked, DateTimeOffset at)
    {
        var client = new IPAddress(mappedClient);
        var clientText = client.IsIPv4MappedToIPv6 ? client.MapToIPv4().ToString() : client.ToString();
        var id = FindingIds.Create(type, clientText, key);
        if (_findings.TryRecordRepeat(id, at, at))
        {
            return;
        }

        _findings.Record(Create(type, id, clientText, network, domain, blocked, at));
    }

    private Finding Create(string type, string id, string client, string? network, string domain, bool blocked, DateTimeOffset at)
    {
        var (title, description) = type switch
        {
            FindingTypes.CommandAndControlActivity => (
                $"Command and control server domain name queried by EC2 instance {client}.",
                $"EC2 instance {client} is querying {domain}, a domain name associated with a known command and control server (managed list {CommandAndControlList})."),
            FindingTypes.BitcoinTool => (
                $"Bitcoin-related domain name queried by EC2 instance {client}.",
                $"EC2 instance {client} is querying {domain}, a domain name associated with cryptocurrency mining (list {MiningPoolList})."),
            FindingTypes.DgaDomainRequest => (
                $"Algorithmically generated domain names queried by EC2 instance {client}.",
                $"EC2 instance {client} is querying algorithmically generated domains, such as {domain}: malware uses them to find its command and control server."),
            _ => (
                $"Data exfiltration through DNS queries from EC2 instance {client}.",
                $"EC2 instance {client} is sending many unique, high-entropy names under {domain}, the pattern of data smuggled out in DNS queries (DNS tunnelling)."),
        };
        return new Finding
        {
            AccountId = _options.AccountId,
            Region = _options.Region,
            Id = id,
            Arn = FindingIds.Arn(_options.Region, _options.AccountId, _detectorId, id),
            Type = type,
            Severity = FindingTypes.Severity(type),
            Title = title,
            Description = description,
            CreatedAt = at,
            UpdatedAt = at,
            Resource = new FindingResource
            {
                InstanceDetails = new InstanceDetails
                {
                    NetworkInterfaces = [new NetworkInterfaceDetails { PrivateIpAddress = client, VpcId = network }],
                },
            },
            Service = new FindingService
            {
                DetectorId = _detectorId,
                Action = new FindingAction
                {
                    ActionType = FindingAction.DnsRequest,
                    DnsRequestAction = new DnsRequestAction { Domain = domain, Protocol = "UDP", Blocked = blocked },
                },
                Count = 1,
                EventFirstSeen = at,
                EventLastSeen = at,
            },
        };
    }

    private string RegistrableDomain(ReadOnlySpan<byte> lowerWireName)
    {
        var offset = _suffixes.RegistrableDomainOffset(lowerWireName);
        return Text(lowerWireName, offset < 0 ? 0 : offset);
    }

    // Findings name domains as GuardDuty does: without the root's trailing dot.
    private static string Text(ReadOnlySpan<byte> lowerWireName, int offset) => DnsName.ToText(lowerWireName, offset).TrimEnd('.');

    // The two lists are matched with the firewall's own index: one ALERT rule each, first match wins.
    private static CompiledFirewall CompileLists()
    {
        var lists = new List<DomainList>();
        foreach (var list in ManagedDomainLists.All)
        {
            if (list.Name is CommandAndControlList or MiningPoolList)
            {
                lists.Add(list);
            }
        }

        var group = new RuleGroup("dns-findings",
        [
            new FirewallRule(CommandAndControlList, 1, CommandAndControlList, FirewallAction.Alert),
            new FirewallRule(MiningPoolList, 2, MiningPoolList, FirewallAction.Alert),
        ]);
        var network = new FirewallNetwork(FirewallNetwork.DefaultName, [], [new RuleGroupAssociation(group.Name, 100)]);
        return CompiledFirewall.Compile(new FirewallDefinition(lists, [group], [network]));
    }
}
