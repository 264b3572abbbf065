using System.Net;
using Resolver.Detection.DnsQueries;
using Resolver.Detection.Findings;
using Resolver.Firewall.ThreatProtection;

namespace Resolver.Detection.Tests.DnsQueries;

public sealed class DnsQueryDetectorTests
{
    private const ushort A = 1;
    private const ushort Txt = 16;

    private static readonly byte[] Client = IPAddress.Parse("10.0.5.7").MapToIPv6().GetAddressBytes();
    private static readonly byte[] OtherClient = IPAddress.Parse("10.0.5.8").MapToIPv6().GetAddressBytes();

    private readonly SteppedTime _time = new();
    private readonly DnsQueryDetector _detector;

    public DnsQueryDetectorTests()
    {
        _detector = new DnsQueryDetector(new DetectionOptions(), PublicSuffixList.LoadDefault(), new FindingAggregator(), _time);
    }

    [Fact]
    public void A_botnet_name_raises_one_command_and_control_finding_whose_count_grows_with_repeats()
    {
        const string name = "controldomain1.botnetlist.firewall.route53resolver.us-east-1.amazonaws.com";
        Observe(name, A, Client, blocked: true);
        _time.Advance(TimeSpan.FromSeconds(5));
        Observe(name, A, Client, blocked: true);
        Observe(name, A, Client, blocked: true);

        var finding = Assert.Single(_detector.Findings.TakeChanged());
        Assert.Equal(FindingTypes.CommandAndControlActivity, finding.Type);
        Assert.Equal(8, finding.Severity);
        Assert.Equal(3, finding.Service.Count);
        Assert.Equal(FindingAction.DnsRequest, finding.Service.Action.ActionType);
        Assert.Equal(name, finding.Service.Action.DnsRequestAction!.Domain);
        Assert.True(finding.Service.Action.DnsRequestAction.Blocked);
        Assert.Equal(TimeSpan.FromSeconds(5), finding.Service.EventLastSeen - finding.Service.EventFirstSeen);
        Assert.Equal("10.0.5.7", finding.Resource.InstanceDetails.NetworkInterfaces[0].PrivateIpAddress);
        Assert.Equal("lab", finding.Resource.InstanceDetails.NetworkInterfaces[0].VpcId);
    }

    [Fact]
    public void Mining_pool_names_of_one_pool_make_one_finding_per_client()
    {
        Observe("xmr-eu1.nanopool.org", A, Client);
        Observe("eth-us-east1.nanopool.org", A, Client);
        Observe("xmr-eu1.nanopool.org", A, OtherClient);

        var findings = _detector.Findings.TakeChanged();

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(FindingTypes.BitcoinTool, f.Type));
        Assert.Equal(2, findings.Single(f => f.Resource.InstanceDetails.NetworkInterfaces[0].PrivateIpAddress == "10.0.5.7").Service.Count);
    }

    [Fact]
    public void Generated_names_from_one_host_make_one_dga_finding_and_real_names_none()
    {
        string[] generated = ["xjqvzkwpbtrmgh.com", "qzkxjvwhpfnbtd.net", "wvxqzjkpbhgtfr.org", "kxqzjvwpmbtrhd.info"];
        string[] real = ["www.google.com", "en.wikipedia.org", "github.com", "s3.eu-west-1.amazonaws.com", "login.microsoftonline.com", "d1a2b3c4d5e6f7.cloudfront.net"];
        foreach (var name in real)
        {
            Observe(name, A, Client);
        }

        Assert.Empty(_detector.Findings.TakeChanged());
        foreach (var name in generated)
        {
            Observe(name, A, Client);
        }

        var finding = Assert.Single(_detector.Findings.TakeChanged());
        Assert.Equal(FindingTypes.DgaDomainRequest, finding.Type);
        Assert.Equal(generated.Length, finding.Service.Count);
        Assert.Equal(generated[0], finding.Service.Action.DnsRequestAction!.Domain);
    }

    [Fact]
    public void A_tunnel_raises_an_exfiltration_finding_naming_its_parent_domain()
    {
        var random = new Random(7);
        for (var i = 0; i < 400; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            Observe($"{Base32(random, 56)}.{Base32(random, 40)}.t.tunnel-example.com", Txt, Client);
        }

        var exfiltration = _detector.Findings.TakeChanged().Where(f => f.Type == FindingTypes.DnsDataExfiltration).ToList();

        var finding = Assert.Single(exfiltration);
        Assert.Equal("tunnel-example.com", finding.Service.Action.DnsRequestAction!.Domain);
        Assert.True(finding.Service.Count > 100, $"count {finding.Service.Count}");
    }

    [Fact]
    public void Ordinary_browsing_raises_nothing()
    {
        var random = new Random(8);
        string[] sites = ["www.example.com", "api.github.com", "fonts.googleapis.com", "www.bbc.co.uk", "cdn.jsdelivr.net", "static.xx.fbcdn.net"];
        for (var i = 0; i < 5_000; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            Observe(sites[random.Next(sites.Length)], random.Next(2) == 0 ? A : (ushort)28, Client);
        }

        Assert.Empty(_detector.Findings.TakeChanged());
    }

    private void Observe(string name, ushort qtype, byte[] client, bool blocked = false) =>
        _detector.Observe(Wire(name), qtype, client, "lab", blocked, _time.GetUtcNow());

    private static byte[] Wire(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    private static string Base32(Random random, int length) =>
        string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = "abcdefghijklmnopqrstuvwxyz234567"[r.Next(32)];
            }
        });
}
