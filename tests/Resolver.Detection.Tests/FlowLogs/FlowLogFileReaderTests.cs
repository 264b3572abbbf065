using System.Net;
using Resolver.Detection.FlowLogs;
using static Resolver.Detection.Tests.FlowLogFolder;

namespace Resolver.Detection.Tests.FlowLogs;

public sealed class FlowLogFileReaderTests : IDisposable
{
    private readonly FlowLogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public void The_default_format_is_read_without_a_header_and_dashes_are_no_value()
    {
        var file = _logs.Write(
            "a.log",
            "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
            "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA");

        var (records, diagnostics) = Read(file);

        Assert.Empty(diagnostics);
        Assert.Equal(2, records.Count);
        Assert.Equal(IPAddress.Parse("172.31.16.139"), records[0].SrcAddr);
        Assert.Equal(22, records[0].DstPort);
        Assert.Equal(6, records[0].Protocol);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1418530070), records[0].Time);
        Assert.Equal("ACCEPT", records[0].Action);
        Assert.Null(records[1].SrcAddr);
        Assert.Null(records[1].Action);
        Assert.Equal("NODATA", records[1].LogStatus);
    }

    [Fact]
    public void A_custom_header_with_reordered_fields_is_read()
    {
        var file = _logs.Write(
            "a.log",
            "instance-id vpc-id subnet-id flow-direction dstaddr srcaddr dstport srcport protocol pkt-dstaddr pkt-srcaddr end start action log-status interface-id account-id version",
            $"i-0abc vpc-1 subnet-1 egress 8.8.8.8 10.0.0.5 53 40000 17 8.8.8.8 10.0.0.5 {T0 + 60} {T0} ACCEPT OK eni-1 123456789012 5");

        var (records, diagnostics) = Read(file);

        Assert.Empty(diagnostics);
        var record = Assert.Single(records);
        Assert.Equal("i-0abc", record.InstanceId);
        Assert.Equal("vpc-1", record.VpcId);
        Assert.Equal("subnet-1", record.SubnetId);
        Assert.Equal("egress", record.FlowDirection);
        Assert.Equal(IPAddress.Parse("8.8.8.8"), record.DstAddr);
        Assert.Equal(IPAddress.Parse("10.0.0.5"), record.SrcAddr);
        Assert.Equal(53, record.DstPort);
        Assert.Equal(40000, record.SrcPort);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T0), record.Start);
        Assert.Equal("eni-1", record.InterfaceId);
        Assert.Equal("123456789012", record.AccountId);
    }

    [Fact]
    public void A_custom_format_flows_into_the_finding()
    {
        var file = _logs.Write(
            "a.log",
            "version vpc-id subnet-id instance-id interface-id account-id srcaddr dstaddr srcport dstport protocol start end action log-status",
            $"5 vpc-1 subnet-1 i-0abc eni-1 123456789012 10.0.0.5 8.8.8.8 40000 53 17 {T0} {T0 + 60} ACCEPT OK",
            $"5 vpc-1 subnet-1 i-0abc eni-1 123456789012 10.0.0.5 1.1.1.1 40000 53 6 {T0 + (31 * Day)} {T0 + (31 * Day) + 60} ACCEPT OK");

        var finding = Assert.Single(Detection.Run(file).Findings);

        Assert.Equal("i-0abc", finding.Resource.InstanceDetails.InstanceId);
        Assert.Equal("vpc-1", finding.Resource.InstanceDetails.NetworkInterfaces[0].VpcId);
        Assert.Equal("subnet-1", finding.Resource.InstanceDetails.NetworkInterfaces[0].SubnetId);
        Assert.Equal("TCP", finding.Service.Action.NetworkConnectionAction!.Protocol);
        Assert.Contains("i-0abc", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_file_is_read_by_its_magic_bytes_whatever_its_name()
    {
        var file = _logs.WriteGzip("a.log", Header, Line("8.8.8.8", start: T0), Line("1.1.1.1", start: T0 + (31 * Day)));

        var (records, diagnostics) = Read(file);
        var run = Detection.Run(file);

        Assert.Empty(diagnostics);
        Assert.Equal(2, records.Count);
        Assert.Single(run.Findings);
    }

    [Fact]
    public void A_malformed_line_is_reported_with_file_and_line_and_reading_goes_on()
    {
        var file = _logs.Write(
            "a.log",
            Header,
            Line("8.8.8.8"),
            "2 123456789012 eni-1 10.0.0.5 8.8.8.8 40000",
            Line("not-an-address"),
            Line("8.8.8.8", dstPort: 70000),
            Line("1.1.1.1"));

        var (records, diagnostics) = Read(file);

        Assert.Equal(2, records.Count);
        Assert.Equal(
            [
                $"{file}:3: expected 14 fields, found 6",
                $"{file}:4: dstaddr 'not-an-address' is not an IP address",
                $"{file}:5: dstport '70000' is not a number from 0 to 65535",
            ],
            diagnostics.Select(diagnostic => diagnostic.ToString()));
    }

    [Fact]
    public void A_header_that_lacks_the_needed_fields_is_reported_and_its_lines_skipped()
    {
        var file = _logs.Write("a.log", "version account-id interface-id packets bytes", "2 123456789012 eni-1 1 60", Header, Line("8.8.8.8"));

        var (records, diagnostics) = Read(file);

        Assert.Single(records);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(1, diagnostic.Line);
        Assert.Contains("lacks srcaddr, dstaddr, dstport, protocol, start or end", diagnostic.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Following_leaves_an_unfinished_line_for_the_next_read_and_resumes_with_the_header_in_force()
    {
        var file = Path.Combine(_logs.Path, "a.log");
        File.WriteAllText(file, "srcaddr dstaddr dstport protocol start\n10.0.0.5 8.8.8.8 53 17 1700000000\n10.0.0.5 1.1.1.1 5");
        var records = new List<FlowLogRecord>();

        var cursor = FlowLogFileReader.Read(file, FlowLogCursor.Start, completeLinesOnly: true, records.Add, _ => Assert.Fail("no bad line"));
        File.AppendAllText(file, "3 17 1700000100\n");
        cursor = FlowLogFileReader.Read(file, cursor, completeLinesOnly: true, records.Add, _ => Assert.Fail("no bad line"));

        Assert.Equal(2, records.Count);
        Assert.Equal(IPAddress.Parse("1.1.1.1"), records[1].DstAddr);
        Assert.Equal(53, records[1].DstPort);
        Assert.Equal(3, cursor.Line);
        Assert.Equal(new FileInfo(file).Length, cursor.Offset);
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_reported_not_buffered()
    {
        var file = _logs.Write("a.log", Line("8.8.8.8"), new string('x', FlowLogFileReader.MaxLineBytes + 10), Line("1.1.1.1"));

        var (records, diagnostics) = Read(file);

        Assert.Equal(2, records.Count);
        Assert.Equal(2, Assert.Single(diagnostics).Line);
    }

    private static (List<FlowLogRecord> Records, List<FlowLogDiagnostic> Diagnostics) Read(string file)
    {
        var records = new List<FlowLogRecord>();
        var diagnostics = new List<FlowLogDiagnostic>();
        FlowLogFileReader.Read(file, FlowLogCursor.Start, completeLinesOnly: false, records.Add, diagnostics.Add);
        return (records, diagnostics);
    }
}
