using Resolver.Dns.Wire;
using Resolver.Server.Pipeline;
using Resolver.Server.Upstreams;

namespace Resolver.Fuzz.Targets;

/// <summary>
/// The other way into the per-query path: a hostile upstream. A fixed client query (chosen by the input's first
/// byte: plain, redirection-inspected, OVERRIDE, with or without EDNS) is handled; the input, after its first
/// byte, is the upstream's reply. Replies that the forwarder would discard (not a response, not one question, or
/// not the one asked, as <see cref="PendingQueryTable.TryTakeMatching"/> decides) are turned into upstream failures,
/// as a timeout would.
/// The client must get exactly one answer with its ID, within its UDP size.
/// </summary>
public sealed class UpstreamAnswerTarget : IFuzzTarget
{
    private static readonly byte[][] ClientQueries =
    [
        Query("www.example.com", DnsRecordType.A, edns: false),
        Query("www.example.com", DnsRecordType.A, edns: true),
        Query("WwW.ExAmPlE.cOm", DnsRecordType.AAAA, edns: true),
        Query("a.walled.example", DnsRecordType.A, edns: true),
        Query("a.walled.example", DnsRecordType.TXT, edns: false),
        Query("cdn.example.org", DnsRecordType.A, edns: false),
    ];

    private readonly PipelineHost _host;
    private byte[] _upstreamReply = [];
    private int _upstreamLength;

    public UpstreamAnswerTarget()
    {
        _host = new PipelineHost { Upstream = Reply };
    }

    public string Name => "upstream-answer";

    public string Description => "QueryPipeline.OnUpstreamResponse on a hostile upstream reply: redirection inspection, OVERRIDE, cache, truncation";

    public InputKind Kind => InputKind.DnsMessage;

    public IReadOnlyList<string> Dictionary => [];

    public ulong Execute(ReadOnlySpan<byte> input)
    {
        var outcome = new Outcome();
        if (input.IsEmpty)
        {
            return outcome.Value;
        }

        var query = ClientQueries[input[0] % ClientQueries.Length];
        if (_upstreamReply.Length < input.Length)
        {
            _upstreamReply = new byte[Math.Max(input.Length, 512)];
        }

        input[1..].CopyTo(_upstreamReply);
        _upstreamLength = input.Length - 1;
        var transport = (input[0] & 0x80) != 0 ? DnsTransport.Tcp : DnsTransport.Udp;
        var length = _host.Handle(query, transport);
        outcome.Add(length < 0 ? length : length / 64);
        outcome.Add(_host.Forwards);
        outcome.Add(input[0] % ClientQueries.Length);
        return outcome.Value;
    }

    /// <summary>Test and corpus helper: the client query an input's first byte selects.</summary>
    public static ReadOnlySpan<byte> ClientQuery(byte selector) => ClientQueries[selector % ClientQueries.Length];

    private int Reply(QueryContext context, Span<byte> reply)
    {
        var received = _upstreamReply.AsSpan(0, _upstreamLength);
        if (received.Length < DnsHeader.Size || (DnsHeader.GetFlags(received) & DnsHeader.FlagQr) == 0 || DnsHeader.GetQuestionCount(received) != 1
            || !PendingQueryTable.QuestionMatches(context, received))
        {
            return -1;
        }

        // The forwarder matched the reply by its upstream ID; the pipeline must put the client's back.
        received.CopyTo(reply);
        DnsHeader.SetId(reply, DnsHeader.GetId(context.QueryBytes));
        return received.Length;
    }

    private static byte[] Query(string name, DnsRecordType type, bool edns)
    {
        var buffer = new byte[DnsHeader.Size + DnsName.MaxWireLength + 4 + EdnsInfo.OptRecordSize];
        var length = DnsQueryWriter.Write(buffer, 0x1234, DnsHeader.FlagRd, EncodeName(name), type, edns ? (ushort)1232 : (ushort)0, dnssecOk: false);
        return buffer[..length];
    }

    private static byte[] EncodeName(string name)
    {
        Span<byte> wire = stackalloc byte[DnsName.MaxWireLength];
        DnsName.TryEncode(name, wire, out var length);
        return wire[..length].ToArray();
    }
}
