using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Resolver.Dns.Wire;
using Resolver.Firewall.Evaluation;
using Resolver.Server.Configuration;
using Resolver.Server.Pipeline;

namespace Resolver.Server.QueryLogging;

/// <summary>
/// The query path's side of the query log: a bounded pool of entries and a queue to the writer. Recording
/// never blocks: when every entry is waiting to be written, the record is dropped and counted.
/// </summary>
public sealed class QueryLog
{
    private readonly ConcurrentQueue<QueryLogEntry> _free = new();
    private readonly Channel<QueryLogEntry> _queue = Channel.CreateUnbounded<QueryLogEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _capacity;
    private int _allocated;
    private long _dropped;
    private long _recorded;

    public QueryLog(IOptions<DnsServerOptions> options)
    {
        Options = options.Value.QueryLog;
        _capacity = Options.Capacity;
    }

    public QueryLogOptions Options { get; }

    public QueryLogMode Mode => Options.Mode;

    /// <summary>Records dropped because the writer fell behind by <see cref="QueryLogOptions.Capacity"/> records.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long Recorded => Interlocked.Read(ref _recorded);

    internal ChannelReader<QueryLogEntry> Pending => _queue.Reader;

    internal static QueryLog Disabled { get; } = new(Microsoft.Extensions.Options.Options.Create(new DnsServerOptions()));

    internal void Record(ReadOnlySpan<byte> clientQuery, in DnsQuery parsed, ReadOnlySpan<byte> answer, DnsTransport transport, SocketAddress client, CompiledNetwork? network, CompiledRule? rule)
    {
        var mode = Options.Mode;
        if (mode == QueryLogMode.Off || (mode == QueryLogMode.Matches && rule is null))
        {
            return;
        }

        if (!_free.TryDequeue(out var entry))
        {
            if (Interlocked.Increment(ref _allocated) > _capacity)
            {
                Interlocked.Decrement(ref _allocated);
                Interlocked.Increment(ref _dropped);
                return;
            }

            entry = new QueryLogEntry();
        }

        entry.Fill(clientQuery, parsed, answer, transport, client, network, rule);
        Interlocked.Increment(ref _recorded);
        _queue.Writer.TryWrite(entry);
    }

    internal void Return(QueryLogEntry entry)
    {
        entry.Clear();
        _free.Enqueue(entry);
    }

    internal void Complete() => _queue.Writer.TryComplete();
}
