using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Resolver.Dns.Wire;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;
using Resolver.Firewall.ThreatProtection;
using Resolver.Server.Pipeline;

namespace Resolver.Server.QueryLogging;

/// <summary>Writes an entry as a Route 53 Resolver query-log record (one JSON object).</summary>
internal static class QueryLogFormatter
{
    public const string Version = "1.100000";

    public static void Write(Utf8JsonWriter json, QueryLogEntry entry, QueryLogOptions options)
    {
        var question = entry.Question.AsSpan(0, entry.QuestionLength);
        var nameEnd = entry.QuestionLength - 4;
        var type = BinaryPrimitives.ReadUInt16BigEndian(question[nameEnd..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(question[(nameEnd + 2)..]);
        var answer = entry.Answer.AsSpan(0, entry.AnswerLength);
        var client = entry.ClientEndPoint();

        json.WriteStartObject();
        json.WriteString("version", Version);
        json.WriteString("account_id", options.AccountId);
        json.WriteString("region", options.Region);
        json.WriteString("vpc_id", entry.Network?.Network.Name ?? FirewallNetwork.DefaultName);
        json.WriteString("query_timestamp", entry.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        json.WriteString("query_name", DnsName.ToText(question, 0) is var name && name.EndsWith('.') ? name : name + ".");
        json.WriteString("query_type", QueryTypes.Name(type));
        json.WriteString("query_class", ClassName(@class));
        json.WriteString("rcode", RcodeName(answer.Length >= DnsHeader.Size ? DnsHeader.GetRcode(answer) : DnsResponseCode.ServFail));
        json.WriteStartArray("answers");
        WriteAnswers(json, answer);
        json.WriteEndArray();
        json.WriteString("srcaddr", (client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address).ToString());
        json.WriteString("srcport", client.Port.ToString(CultureInfo.InvariantCulture));
        json.WriteString("transport", entry.Transport == DnsTransport.Udp ? "UDP" : "TCP");
        json.WriteStartObject("srcids");
        json.WriteString("resolver_endpoint", options.ResolverEndpointId);
        json.WriteEndObject();
        if (entry.Rule is { } rule)
        {
            json.WriteString("firewall_rule_action", rule.Rule.Action switch
            {
                FirewallAction.Allow => "ALLOW",
                FirewallAction.Alert => "ALERT",
                _ => "BLOCK",
            });
            json.WriteString("firewall_rule_group_id", rule.RuleGroupId);
            if (rule.DomainListId is { } listId)
            {
                json.WriteString("firewall_domain_list_id", listId);
            }
            else if (rule.Rule.ThreatProtection is { } protection)
            {
                json.WriteString("firewall_protection", ThreatProtectionNames.Name(protection));
            }
        }

        json.WriteEndObject();
    }

    private static void WriteAnswers(Utf8JsonWriter json, ReadOnlySpan<byte> message)
    {
        if (message.Length < DnsHeader.Size || DnsHeader.GetQuestionCount(message) != 1)
        {
            return;
        }

        var reader = new DnsRecordReader(message, DnsHeader.Size);
        if (!reader.TryReadQuestion(out _, out _, out _))
        {
            return;
        }

        var count = DnsHeader.GetAnswerCount(message);
        for (var i = 0; i < count && reader.TryRead(out var record); i++)
        {
            json.WriteStartObject();
            json.WriteString("Rdata", RdataText(message, record));
            json.WriteString("Type", QueryTypes.Name((ushort)record.Type));
            json.WriteString("Class", ClassName(record.Class));
            json.WriteEndObject();
        }
    }

    private static string RdataText(ReadOnlySpan<byte> message, in DnsRecord record)
    {
        var rdata = message.Slice(record.RDataOffset, record.RDataLength);
        switch (record.Type)
        {
            case DnsRecordType.A when rdata.Length == 4:
            case DnsRecordType.AAAA when rdata.Length == 16:
                return new IPAddress(rdata).ToString();
            case DnsRecordType.CNAME or DnsRecordType.DNAME or DnsRecordType.NS or DnsRecordType.PTR when DnsName.TrySkip(message, record.RDataOffset, out _):
                return DnsName.ToText(message, record.RDataOffset);
            case DnsRecordType.MX when rdata.Length > 2 && DnsName.TrySkip(message, record.RDataOffset + 2, out _):
                return BinaryPrimitives.ReadUInt16BigEndian(rdata).ToString(CultureInfo.InvariantCulture) + " " + DnsName.ToText(message, record.RDataOffset + 2);
            case DnsRecordType.TXT:
                return TxtText(rdata);
            default:
                return $"\\# {rdata.Length.ToString(CultureInfo.InvariantCulture)} {Convert.ToHexStringLower(rdata)}";
        }
    }

    private static string TxtText(ReadOnlySpan<byte> rdata)
    {
        var text = new StringBuilder();
        var position = 0;
        while (position < rdata.Length)
        {
            var length = rdata[position];
            var end = Math.Min(rdata.Length, position + 1 + length);
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append('"').Append(Encoding.ASCII.GetString(rdata[(position + 1)..end]).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            position = end;
        }

        return text.ToString();
    }

    private static string ClassName(ushort @class) => @class switch
    {
        1 => "IN",
        3 => "CH",
        4 => "HS",
        _ => "CLASS" + @class.ToString(CultureInfo.InvariantCulture),
    };

    private static string RcodeName(DnsResponseCode rcode) => rcode switch
    {
        DnsResponseCode.NoError => "NOERROR",
        DnsResponseCode.FormErr => "FORMERR",
        DnsResponseCode.ServFail => "SERVFAIL",
        DnsResponseCode.NxDomain => "NXDOMAIN",
        DnsResponseCode.NotImp => "NOTIMP",
        DnsResponseCode.Refused => "REFUSED",
        _ => ((int)rcode).ToString(CultureInfo.InvariantCulture),
    };
}
