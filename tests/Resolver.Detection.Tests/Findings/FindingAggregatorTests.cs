using Resolver.Detection.Findings;

namespace Resolver.Detection.Tests.Findings;

public sealed class FindingAggregatorTests
{
    private static readonly DateTimeOffset Noon = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Repeats_of_one_id_merge_count_last_seen_and_updated_at()
    {
        var aggregator = new FindingAggregator();

        aggregator.Record(Dns("a", Noon));
        aggregator.Record(Dns("a", Noon.AddMinutes(5)));
        var merged = aggregator.Record(Dns("a", Noon.AddMinutes(1)));

        Assert.Equal(3, merged.Service.Count);
        Assert.Equal(Noon, merged.CreatedAt);
        Assert.Equal(Noon.AddMinutes(5), merged.UpdatedAt);
        Assert.Equal(Noon, merged.Service.EventFirstSeen);
        Assert.Equal(Noon.AddMinutes(5), merged.Service.EventLastSeen);
        Assert.Equal([merged], aggregator.TakeChanged());
        Assert.Empty(aggregator.TakeChanged());
    }

    [Fact]
    public void It_is_bounded_and_drops_the_least_recently_updated()
    {
        var aggregator = new FindingAggregator(capacity: 2);

        aggregator.Record(Dns("old", Noon));
        aggregator.Record(Dns("mid", Noon.AddMinutes(1)));
        aggregator.Record(Dns("new", Noon.AddMinutes(2)));

        Assert.Equal(["mid", "new"], aggregator.All.Select(finding => finding.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Severities_come_from_one_table()
    {
        Assert.Equal(5, FindingTypes.Severity(FindingTypes.UnusualDnsResolver));
        Assert.Equal(5, FindingTypes.Severity(FindingTypes.UnusualDohActivity));
        Assert.Equal(5, FindingTypes.Severity(FindingTypes.UnusualDotActivity));
        Assert.Equal(8, FindingTypes.Severity(FindingTypes.DgaDomainRequest));
        Assert.Equal(8, FindingTypes.Severity(FindingTypes.DnsDataExfiltration));
        Assert.Equal(8, FindingTypes.Severity(FindingTypes.CommandAndControlActivity));
        Assert.Equal(8, FindingTypes.Severity(FindingTypes.BitcoinTool));
        Assert.Equal("Medium", FindingTypes.SeverityLabel(5));
        Assert.Equal("High", FindingTypes.SeverityLabel(8));
    }

    [Fact]
    public void A_DNS_request_finding_is_written_with_dnsRequestAction_and_no_network_connection()
    {
        var finding = Dns(FindingIds.Create(FindingTypes.CommandAndControlActivity, "eni-1", "c2.example"), Noon);

        var json = FindingWriter.ToJson(finding);

        Assert.Contains("\"type\":\"Backdoor:EC2/C&CActivity.B!DNS\"", json, StringComparison.Ordinal);
        Assert.Contains("\"action\":{\"actionType\":\"DNS_REQUEST\",\"dnsRequestAction\":{\"domain\":\"c2.example\",\"protocol\":\"UDP\",\"blocked\":true}}", json, StringComparison.Ordinal);
        Assert.Contains("\"severity\":8", json, StringComparison.Ordinal);
        Assert.Contains("\"createdAt\":\"2024-05-01T12:00:00.000Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"instanceId\":null", json, StringComparison.Ordinal);
        Assert.Equal(finding.Service, FindingWriter.FromJson(json).Service with { Action = finding.Service.Action });
    }

    private static Finding Dns(string id, DateTimeOffset at) => new()
    {
        Id = id,
        Type = FindingTypes.CommandAndControlActivity,
        Severity = FindingTypes.Severity(FindingTypes.CommandAndControlActivity),
        CreatedAt = at,
        UpdatedAt = at,
        Service = new FindingService
        {
            Action = new FindingAction
            {
                ActionType = FindingAction.DnsRequest,
                DnsRequestAction = new DnsRequestAction { Domain = "c2.example", Protocol = "UDP", Blocked = true },
            },
            EventFirstSeen = at,
            EventLastSeen = at,
        },
    };
}
