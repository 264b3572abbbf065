using Resolver.Detection.Findings;
using static Resolver.Detection.Tests.FlowLogFolder;

namespace Resolver.Detection.Tests.Bypass;

public sealed class BypassDetectorTests : IDisposable
{
    private const long AfterLearning = T0 + (31 * Day);

    private readonly FlowLogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public void A_new_resolver_after_learning_raises_one_finding_whose_count_grows_with_repeats()
    {
        var file = _logs.Write(
            "a.log",
            Header,
            Line("8.8.8.8", start: T0),
            Line("1.1.1.1", start: AfterLearning, srcPort: 41000),
            Line("1.1.1.1", start: AfterLearning + 100),
            Line("1.1.1.1", start: AfterLearning + 200));

        var run = Detection.Run(file);

        var finding = Assert.Single(run.Findings);
        Assert.Equal(FindingTypes.UnusualDnsResolver, finding.Type);
        Assert.Equal(5, finding.Severity);
        Assert.Equal(3, finding.Service.Count);
        Assert.Equal("2.0", finding.SchemaVersion);
        Assert.Equal("123456789012", finding.AccountId);
        Assert.Equal("aws", finding.Partition);
        Assert.Equal($"arn:aws:guardduty:us-east-1:123456789012:detector/{finding.Service.DetectorId}/finding/{finding.Id}", finding.Arn);
        Assert.Matches("^[0-9a-f]{32}$", finding.Id);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(AfterLearning + 60), finding.CreatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(AfterLearning + 260), finding.UpdatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(AfterLearning), finding.Service.EventFirstSeen);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(AfterLearning + 260), finding.Service.EventLastSeen);
        Assert.Contains("eni-1", finding.Description, StringComparison.Ordinal);
        Assert.Contains("1.1.1.1", finding.Description, StringComparison.Ordinal);
        Assert.Equal("Instance", finding.Resource.ResourceType);
        Assert.Null(finding.Resource.InstanceDetails.InstanceId);
        var eni = Assert.Single(finding.Resource.InstanceDetails.NetworkInterfaces);
        Assert.Equal("eni-1", eni.NetworkInterfaceId);
        Assert.Equal("10.0.0.5", eni.PrivateIpAddress);
        Assert.Equal(FindingAction.NetworkConnection, finding.Service.Action.ActionType);
        var connection = finding.Service.Action.NetworkConnectionAction!;
        Assert.Equal("OUTBOUND", connection.ConnectionDirection);
        Assert.Equal("UDP", connection.Protocol);
        Assert.False(connection.Blocked);
        Assert.Equal("10.0.0.5", connection.LocalIpDetails.IpAddressV4);
        Assert.Equal(41000, connection.LocalPortDetails.Port);
        Assert.Equal("1.1.1.1", connection.RemoteIpDetails.IpAddressV4);
        Assert.Equal("Cloudflare 1.1.1.1", connection.RemoteIpDetails.Organization!.Org);
        Assert.Equal(new PortDetails { Port = 53, PortName = "DNS" }, connection.RemotePortDetails);
        Assert.False(finding.Service.Archived);
        Assert.Equal("ACTOR", finding.Service.ResourceRole);
    }

    [Fact]
    public void A_new_DoH_server_after_learning_raises_unusual_DoH_activity()
    {
        var file = _logs.Write("a.log", Line("8.8.8.8", start: T0), Line("9.9.9.9", dstPort: 443, protocol: 6, start: AfterLearning));

        var finding = Assert.Single(Detection.Run(file).Findings);

        Assert.Equal(FindingTypes.UnusualDohActivity, finding.Type);
        Assert.Equal("TCP", finding.Service.Action.NetworkConnectionAction!.Protocol);
        Assert.Equal(new PortDetails { Port = 443, PortName = "HTTPS" }, finding.Service.Action.NetworkConnectionAction.RemotePortDetails);
        Assert.Equal("Quad9", finding.Service.Action.NetworkConnectionAction.RemoteIpDetails.Organization!.Org);
    }

    [Fact]
    public void A_new_DoT_server_after_learning_raises_unusual_DoT_activity_even_outside_the_catalog()
    {
        var file = _logs.Write("a.log", Line("8.8.8.8", start: T0), Line("80.80.80.80", dstPort: 853, protocol: 6, start: AfterLearning));

        var finding = Assert.Single(Detection.Run(file).Findings);

        Assert.Equal(FindingTypes.UnusualDotActivity, finding.Type);
        Assert.Equal(new PortDetails { Port = 853, PortName = "DNS over TLS" }, finding.Service.Action.NetworkConnectionAction!.RemotePortDetails);
        Assert.Null(finding.Service.Action.NetworkConnectionAction.RemoteIpDetails.Organization);
    }

    [Fact]
    public void IPv6_resolvers_are_reported_in_ipAddressV6()
    {
        var file = _logs.Write("a.log", Line("8.8.8.8", start: T0), Line("2606:4700:4700::1111", src: "fd00::5", start: AfterLearning, eni: "eni-1"));

        var finding = Assert.Single(Detection.Run(file).Findings);

        var connection = finding.Service.Action.NetworkConnectionAction!;
        Assert.Equal("2606:4700:4700::1111", connection.RemoteIpDetails.IpAddressV6);
        Assert.Null(connection.RemoteIpDetails.IpAddressV4);
        Assert.Equal("fd00::5", connection.LocalIpDetails.IpAddressV6);
    }

    [Fact]
    public void HTTPS_to_an_address_that_is_not_a_DoH_service_raises_nothing()
    {
        var file = _logs.Write("a.log", Line("8.8.8.8", start: T0), Line("80.80.80.80", dstPort: 443, protocol: 6, start: AfterLearning), Line("4.2.2.2", dstPort: 443, protocol: 6, start: AfterLearning));

        Assert.Empty(Detection.Run(file).Findings);
    }

    [Fact]
    public void Everything_during_the_learning_period_is_learned_silently()
    {
        var file = _logs.Write(
            "a.log",
            Line("8.8.8.8", start: T0),
            Line("1.1.1.1", start: T0 + (29 * Day)),
            Line("9.9.9.9", dstPort: 443, protocol: 6, start: T0 + (29 * Day)),
            Line("80.80.80.80", dstPort: 853, protocol: 6, start: T0 + (29 * Day)));

        Assert.Empty(Detection.Run(file).Findings);
    }

    [Fact]
    public void A_resolver_learned_and_still_within_the_window_raises_nothing()
    {
        var file = _logs.Write(
            "a.log",
            Line("8.8.8.8", start: T0),
            Line("1.1.1.1", start: T0 + (20 * Day)),
            Line("8.8.8.8", start: T0 + (25 * Day)),
            Line("1.1.1.1", start: T0 + (45 * Day)),
            Line("8.8.8.8", start: T0 + (50 * Day)));

        Assert.Empty(Detection.Run(file).Findings);
    }

    [Fact]
    public void A_resolver_not_seen_for_longer_than_the_window_raises_a_finding()
    {
        var file = _logs.Write(
            "a.log",
            Line("8.8.8.8", start: T0),
            Line("1.1.1.1", start: T0 + Day),
            Line("8.8.8.8", start: T0 + (20 * Day)),
            Line("8.8.8.8", start: T0 + (40 * Day)),
            Line("1.1.1.1", start: T0 + (40 * Day)));

        var finding = Assert.Single(Detection.Run(file).Findings);

        Assert.Equal("1.1.1.1", finding.Service.Action.NetworkConnectionAction!.RemoteIpDetails.IpAddressV4);
    }

    [Fact]
    public void The_learning_window_is_settable()
    {
        var file = _logs.Write("a.log", Line("8.8.8.8", start: T0), Line("1.1.1.1", start: T0 + (2 * Day)));

        Assert.Single(Detection.Run(file, configure: options => options.LearningWindow = TimeSpan.FromDays(1)).Findings);
    }

    [Theory]
    [InlineData("8.8.4.4")]
    [InlineData("8.8.4.0/24")]
    public void An_allowed_resolver_raises_nothing(string allowed)
    {
        var file = _logs.Write("a.log", Line("1.1.1.1", start: T0), Line("8.8.4.4", start: AfterLearning));

        Assert.Empty(Detection.Run(file, configure: options => options.AllowedResolvers.Add(allowed)).Findings);
    }

    [Theory]
    [InlineData("8.8.4.4", "ACCEPT", "OK", "10.0.0.5", 53, 17)]
    [InlineData("8.8.4.4", "REJECT", "OK", "10.0.0.5", 53, 17)]
    [InlineData("8.8.4.4", "ACCEPT", "SKIPDATA", "10.0.0.5", 53, 17)]
    [InlineData("10.1.2.3", "ACCEPT", "OK", "10.0.0.5", 53, 17)]
    [InlineData("100.64.0.2", "ACCEPT", "OK", "10.0.0.5", 53, 17)]
    [InlineData("169.254.169.253", "ACCEPT", "OK", "10.0.0.5", 53, 17)]
    [InlineData("fd12::53", "ACCEPT", "OK", "fd00::5", 53, 17)]
    [InlineData("8.8.4.4", "ACCEPT", "OK", "10.0.0.5", 53, 1)]
    [InlineData("8.8.4.4", "ACCEPT", "OK", "10.0.0.5", 853, 17)]
    public void Traffic_that_is_not_an_accepted_outbound_DNS_flow_to_a_public_address_raises_nothing(string dst, string action, string status, string src, int port, int protocol)
    {
        var learned = Line("1.1.1.1", start: T0);
        var other = Line(dst, dstPort: port, protocol: protocol, start: AfterLearning, action: action, status: status, src: src);
        var control = dst == "8.8.4.4" && action == "ACCEPT" && status == "OK" && port == 53 && protocol == 17;
        if (control)
        {
            // The same flow, turned around: an answer coming in from the resolver to the instance.
            other = Line("10.0.0.5", dstPort: 40000, srcPort: 53, src: "8.8.4.4", start: AfterLearning);
        }

        Assert.Empty(Detection.Run(_logs.Write("a.log", learned, other)).Findings);
    }

    [Fact]
    public void Flow_direction_decides_when_the_format_carries_it()
    {
        var file = _logs.Write(
            "a.log",
            "interface-id srcaddr dstaddr srcport dstport protocol start end action log-status flow-direction",
            $"eni-1 10.0.0.5 8.8.8.8 40000 53 17 {T0} {T0 + 60} ACCEPT OK egress",
            $"eni-1 10.0.0.5 1.1.1.1 40000 53 17 {AfterLearning} {AfterLearning + 60} ACCEPT OK ingress",
            $"eni-1 10.0.0.5 9.9.9.9 40000 53 17 {AfterLearning} {AfterLearning + 60} ACCEPT OK egress");

        var finding = Assert.Single(Detection.Run(file).Findings);

        Assert.Equal("9.9.9.9", finding.Service.Action.NetworkConnectionAction!.RemoteIpDetails.IpAddressV4);
    }

    [Fact]
    public void Instances_learn_separately_and_without_an_interface_id_the_address_names_the_instance()
    {
        var file = _logs.Write(
            "a.log",
            "srcaddr dstaddr srcport dstport protocol start end",
            $"10.0.0.5 8.8.8.8 40000 53 17 {T0} {T0 + 60}",
            $"10.0.0.6 1.1.1.1 40000 53 17 {T0 + (20 * Day)} {T0 + (20 * Day) + 60}",
            $"10.0.0.5 1.1.1.1 40000 53 17 {AfterLearning} {AfterLearning + 60}",
            $"10.0.0.6 9.9.9.9 40000 53 17 {AfterLearning} {AfterLearning + 60}");

        var finding = Assert.Single(Detection.Run(file).Findings);

        Assert.Equal("10.0.0.5", finding.Service.Action.NetworkConnectionAction!.LocalIpDetails.IpAddressV4);
        Assert.Null(finding.Resource.InstanceDetails.NetworkInterfaces[0].NetworkInterfaceId);
        Assert.Equal("000000000000", finding.AccountId);
    }
}
