using System.Collections.Frozen;

namespace Resolver.Detection.FlowLogs;

/// <summary>
/// Which field sits in which column of a flow-log line: the default version-2 format, or a custom format
/// named by a header line (<c>version account-id interface-id srcaddr …</c>, as files delivered to S3 begin).
/// </summary>
public sealed class FlowLogFormat
{
    /// <summary>The default format: version 2, fourteen fields.</summary>
    public static readonly FlowLogFormat Default = new(
        ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status"]);

    // Every field AWS documents up to version 8; a header naming anything else is not a header.
    private static readonly FrozenSet<string> KnownFields = new[]
    {
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes",
        "start", "end", "action", "log-status", "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr",
        "pkt-dstaddr", "region", "az-id", "sublocation-type", "sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service",
        "flow-direction", "traffic-path", "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
        "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id", "ecs-service-name",
        "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id", "reject-reason", "resource-id", "encryption-status",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] RequiredFields = ["srcaddr", "dstaddr", "dstport", "protocol"];

    private FlowLogFormat(IReadOnlyList<string> fields)
    {
        Fields = fields;
        AccountId = IndexOf("account-id");
        InterfaceId = IndexOf("interface-id");
        InstanceId = IndexOf("instance-id");
        VpcId = IndexOf("vpc-id");
        SubnetId = IndexOf("subnet-id");
        SrcAddr = IndexOf("srcaddr");
        DstAddr = IndexOf("dstaddr");
        SrcPort = IndexOf("srcport");
        DstPort = IndexOf("dstport");
        Protocol = IndexOf("protocol");
        Start = IndexOf("start");
        End = IndexOf("end");
        Action = IndexOf("action");
        LogStatus = IndexOf("log-status");
        FlowDirection = IndexOf("flow-direction");
        PktSrcAddr = IndexOf("pkt-srcaddr");
        PktDstAddr = IndexOf("pkt-dstaddr");
    }

    /// <summary>The field names in column order.</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>The header line that names this format, as stored in the detection state.</summary>
    public string Header => string.Join(' ', Fields);

    internal int AccountId { get; }

    internal int InterfaceId { get; }

    internal int InstanceId { get; }

    internal int VpcId { get; }

    internal int SubnetId { get; }

    internal int SrcAddr { get; }

    internal int DstAddr { get; }

    internal int SrcPort { get; }

    internal int DstPort { get; }

    internal int Protocol { get; }

    internal int Start { get; }

    internal int End { get; }

    internal int Action { get; }

    internal int LogStatus { get; }

    internal int FlowDirection { get; }

    internal int PktSrcAddr { get; }

    internal int PktDstAddr { get; }

    /// <summary>
    /// Reads a header line: every token a flow-log field name (CloudWatch's <c>${name}</c> spelling too).
    /// A line that is not a header gives false and no error; a header that lacks what detection needs gives
    /// true with <paramref name="error"/> set.
    /// </summary>
    public static bool TryParseHeader(string line, out FlowLogFormat? format, out string? error)
    {
        format = null;
        error = null;
        var tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token.StartsWith("${", StringComparison.Ordinal) && token.EndsWith('}'))
            {
                token = token[2..^1];
            }

            if (!KnownFields.Contains(token))
            {
                return false;
            }

            tokens[i] = token;
        }

        var candidate = new FlowLogFormat(tokens);
        var missing = RequiredFields.Where(name => candidate.IndexOf(name) < 0).ToList();
        if (candidate.Start < 0 && candidate.End < 0)
        {
            missing.Add("start or end");
        }

        if (missing.Count > 0)
        {
            error = $"header lacks {string.Join(", ", missing)}: records of this format cannot be judged";
            return true;
        }

        format = candidate;
        return true;
    }

    private int IndexOf(string field)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (string.Equals(Fields[i], field, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
