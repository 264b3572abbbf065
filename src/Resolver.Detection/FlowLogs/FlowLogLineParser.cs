using System.Globalization;
using System.Net;

namespace Resolver.Detection.FlowLogs;

/// <summary>Turns one line into a <see cref="FlowLogRecord"/>, or says why it cannot.</summary>
public static class FlowLogLineParser
{
    private const string NoValue = "-";

    public static bool TryParse(string line, FlowLogFormat format, out FlowLogRecord? record, out string? error)
    {
        record = null;
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != format.Fields.Count)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"expected {format.Fields.Count} fields, found {fields.Length}");
            return false;
        }

        error = null;
        var parsed = new FlowLogRecord
        {
            AccountId = Text(fields, format.AccountId),
            InterfaceId = Text(fields, format.InterfaceId),
            InstanceId = Text(fields, format.InstanceId),
            VpcId = Text(fields, format.VpcId),
            SubnetId = Text(fields, format.SubnetId),
            SrcAddr = Address(fields, format.SrcAddr, "srcaddr", ref error),
            DstAddr = Address(fields, format.DstAddr, "dstaddr", ref error),
            SrcPort = Number(fields, format.SrcPort, "srcport", 65535, ref error),
            DstPort = Number(fields, format.DstPort, "dstport", 65535, ref error),
            Protocol = Number(fields, format.Protocol, "protocol", 255, ref error),
            Start = Time(fields, format.Start, "start", ref error),
            End = Time(fields, format.End, "end", ref error),
            Action = Text(fields, format.Action),
            LogStatus = Text(fields, format.LogStatus),
            FlowDirection = Text(fields, format.FlowDirection),
            PktSrcAddr = Address(fields, format.PktSrcAddr, "pkt-srcaddr", ref error),
            PktDstAddr = Address(fields, format.PktDstAddr, "pkt-dstaddr", ref error),
        };
        if (error is not null)
        {
            return false;
        }

        record = parsed;
        return true;
    }

    private static string? Text(string[] fields, int index) =>
        index < 0 || fields[index] == NoValue ? null : fields[index];

    private static IPAddress? Address(string[] fields, int index, string name, ref string? error)
    {
        var text = Text(fields, index);
        if (text is null)
        {
            return null;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            return address;
        }

        error ??= $"{name} '{text}' is not an IP address";
        return null;
    }

    private static int? Number(string[] fields, int index, string name, int max, ref string? error)
    {
        var text = Text(fields, index);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= max)
        {
            return value;
        }

        error ??= string.Create(CultureInfo.InvariantCulture, $"{name} '{text}' is not a number from 0 to {max}");
        return null;
    }

    private static DateTimeOffset? Time(string[] fields, int index, string name, ref string? error)
    {
        var text = Text(fields, index);
        if (text is null)
        {
            return null;
        }

        // Unix seconds; 253402300799 is the last second DateTimeOffset can hold.
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253402300799)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        error ??= $"{name} '{text}' is not a time in Unix seconds";
        return null;
    }
}
