using System.Net;
using System.Net.Sockets;
using Resolver.Dns.Wire;
using Resolver.Firewall.Evaluation;
using Resolver.Server.Pipeline;

namespace Resolver.Server.QueryLogging;

/// <summary>
/// What one query-log record needs, copied out of the query path into preallocated buffers; the text is
/// made later on the writer's thread. Pooled: a record costs the query path a few copies, no allocation.
/// </summary>
internal sealed class QueryLogEntry
{
    /// <summary>Answers are logged from their first bytes only: enough for every record a log reader wants.</summary>
    public const int MaxAnswerBytes = 4096;

    public byte[] Question { get; } = new byte[DnsName.MaxWireLength + 4];

    public int QuestionLength { get; set; }

    public byte[] Answer { get; } = new byte[MaxAnswerBytes];

    public int AnswerLength { get; set; }

    public SocketAddress Client { get; } = new(AddressFamily.InterNetworkV6);

    public DateTime Timestamp { get; set; }

    public DnsTransport Transport { get; set; }

    public CompiledNetwork? Network { get; set; }

    public CompiledRule? Rule { get; set; }

    public void Fill(ReadOnlySpan<byte> clientQuery, in DnsQuery parsed, ReadOnlySpan<byte> answer, DnsTransport transport, SocketAddress client, CompiledNetwork? network, CompiledRule? rule)
    {
        Timestamp = DateTime.UtcNow;
        QuestionLength = parsed.QuestionEnd - DnsHeader.Size;
        clientQuery.Slice(DnsHeader.Size, QuestionLength).CopyTo(Question);
        AnswerLength = Math.Min(answer.Length, MaxAnswerBytes);
        answer[..AnswerLength].CopyTo(Answer);
        client.Buffer.Span[..client.Size].CopyTo(Client.Buffer.Span);
        Client.Size = client.Size;
        Transport = transport;
        Network = network;
        Rule = rule;
    }

    public void Clear()
    {
        Network = null;
        Rule = null;
    }

    public IPEndPoint ClientEndPoint()
    {
        var family = Client.Family;
        var template = family == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        var copy = new SocketAddress(family, Client.Size);
        Client.Buffer.Span[..Client.Size].CopyTo(copy.Buffer.Span);
        return (IPEndPoint)template.Create(copy);
    }
}
