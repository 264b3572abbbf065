using Resolver.Detection.FlowLogs;

namespace Resolver.Fuzz.Targets;

/// <summary>
/// The VPC flow-log line parser: a header line (<see cref="FlowLogFormat.TryParseHeader"/>) picks the format of
/// the lines after it, as in a file; each line parses to a record or to an error, never an exception, and a
/// record's numbers are in range.
/// </summary>
public sealed class FlowLogTarget : IFuzzTarget
{
    private static readonly string[] Tokens =
    [
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
        "${srcaddr}", "${dstaddr}", "pkt-srcaddr", "pkt-dstaddr", "flow-direction", "vpc-id", "-", " ", "\t", "\n", "2", "123456789012",
        "eni-0a1b2c3d", "10.0.0.1", "8.8.8.8", "::1", "fe80::1%eth0", "53", "65535", "65536", "17", "6", "256", "1700000000", "253402300799",
        "253402300800", "99999999999999999999", "ACCEPT", "REJECT", "OK", "NODATA", "SKIPDATA", "ingress", "egress", "+1", "0x35", "١",
    ];

    public string Name => "flow-log";

    public string Description => "FlowLogFormat.TryParseHeader and FlowLogLineParser.TryParse";

    public InputKind Kind => InputKind.Text;

    public IReadOnlyList<string> Dictionary => Tokens;

    public ulong Execute(ReadOnlySpan<byte> input)
    {
        var outcome = new Outcome();
        var format = FlowLogFormat.Default;
        foreach (var line in TextInput.Decode(input).Split('\n'))
        {
            if (FlowLogFormat.TryParseHeader(line, out var header, out var headerError))
            {
                FuzzInvariantException.Check((header is null) != (headerError is null), "a header gives a format or an error, one of the two");
                format = header ?? format;
                outcome.Add(header?.Fields.Count ?? -1);
                continue;
            }

            if (FlowLogLineParser.TryParse(line, format, out var record, out var error))
            {
                FuzzInvariantException.Check(record is not null && error is null, "success without a record");
                FuzzInvariantException.Check(record!.SrcPort is null or >= 0 and <= 65535 && record.DstPort is null or >= 0 and <= 65535, "a port out of range");
                FuzzInvariantException.Check(record.Protocol is null or >= 0 and <= 255, "a protocol out of range");
                outcome.Add(record.Time is null ? -1 : record.Time.Value.Year / 1000);
                outcome.Add(record.SrcAddr?.AddressFamily.GetHashCode() ?? -1);
            }
            else
            {
                FuzzInvariantException.Check(record is null && !string.IsNullOrEmpty(error), "failure without an error");
                outcome.Add(error!.Length > 12 ? error[..12] : error);
            }
        }

        return outcome.Value;
    }
}
