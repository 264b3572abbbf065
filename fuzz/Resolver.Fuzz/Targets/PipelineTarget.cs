using Resolver.Dns.Wire;
using Resolver.Server.Pipeline;

namespace Resolver.Fuzz.Targets;

/// <summary>
/// <see cref="QueryPipeline.Handle"/> on a client message, over UDP then TCP: dropped (0) only when the header
/// is unreadable or QR is set, otherwise answered with the client's ID (FORMERR, NOTIMP, BADVERS, a block, a
/// cache hit or a forwarded answer), within the client's UDP size, and never an exception. The fake upstream
/// answers by the first label: <c>big…</c> overflows UDP, <c>cname…</c> redirects to a blocked name,
/// <c>fail…</c> fails; anything else gets one A record.
/// </summary>
public sealed class PipelineTarget : IFuzzTarget
{
    private static readonly byte[] EvilTarget = [1, (byte)'x', 4, (byte)'e', (byte)'v', (byte)'i', (byte)'l', 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 0];

    private readonly PipelineHost _host = new() { Upstream = Answer };

    public string Name => "pipeline";

    public string Description => "QueryPipeline.Handle: FORMERR or drop, never throw; the answer's ID is the query's";

    public InputKind Kind => InputKind.DnsMessage;

    public IReadOnlyList<string> Dictionary => [];

    public ulong Execute(ReadOnlySpan<byte> input)
    {
        var outcome = new Outcome();
        foreach (var transport in (ReadOnlySpan<DnsTransport>)[DnsTransport.Udp, DnsTransport.Tcp])
        {
            var length = _host.Handle(input, transport);
            outcome.Add(length < 0 ? length : length / 64);
            outcome.Add(_host.Forwards);
            if (length > DnsHeader.Size)
            {
                outcome.Add((int)DnsHeader.GetRcode(_host.Response));
            }
        }

        return outcome.Value;
    }

    private static int Answer(QueryContext context, Span<byte> reply)
    {
        var query = context.QueryBytes;
        var label = query.Length > DnsHeader.Size ? query[DnsHeader.Size] : 0;
        var first = label is > 0 and <= 63 && query.Length > DnsHeader.Size + label ? query.Slice(DnsHeader.Size + 1, label) : [];
        if (first.StartsWith("fail"u8))
        {
            return -1;
        }

        var builder = new DnsAnswerBuilder(query, context.Query, DnsResponseCode.NoError, reply);
        if (first.StartsWith("cname"u8))
        {
            builder.TryAddCname(300, EvilTarget);
        }
        else
        {
            var count = first.StartsWith("big"u8) ? 120 : 1;
            var address = new byte[] { 192, 0, 2, 1 };
            for (var i = 0; i < count; i++)
            {
                address[3] = (byte)i;
                builder.TryAddQuestionNameRecord(DnsRecordType.A, 300, address);
            }
        }

        return builder.Finish(4096);
    }
}
