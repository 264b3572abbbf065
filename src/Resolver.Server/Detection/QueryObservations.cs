using System.Collections.Concurrent;
using System.Threading.Channels;
using Resolver.Firewall.Evaluation;

namespace Resolver.Server.Detection;

/// <summary>
/// The query path's side of the query-stream detectors (DGA, exfiltration, C&amp;C and mining-pool
/// findings): a bounded pool of observations and a queue to the one reader that scores them. Recording
/// never blocks and never allocates once the pool is warm: when every observation waits to be read, the
/// query is not observed and is counted as dropped. Off unless a detector asks for it.
/// </summary>
public sealed class QueryObservations
{
    private readonly ConcurrentQueue<QueryObservation> _free = new();
    private readonly Channel<QueryObservation> _queue = Channel.CreateUnbounded<QueryObservation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _capacity;
    private int _allocated;
    private long _dropped;
    private long _observed;

    public QueryObservations(bool enabled, int capacity, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Enabled = enabled;
        _capacity = capacity;
        Time = time ?? TimeProvider.System;
    }

    public static QueryObservations Disabled { get; } = new(enabled: false, capacity: 1);

    public bool Enabled { get; }

    public TimeProvider Time { get; }

    public long Observed => Interlocked.Read(ref _observed);

    /// <summary>Queries not observed because the reader fell behind by the pool's capacity.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public ChannelReader<QueryObservation> Pending => _queue.Reader;

    internal void Record(ReadOnlySpan<byte> lowerWireName, ushort qtype, ReadOnlySpan<byte> mappedClient, CompiledNetwork? network, CompiledRule? rule)
    {
        if (!Enabled)
        {
            return;
        }

        if (!_free.TryDequeue(out var observation))
        {
            if (Interlocked.Increment(ref _allocated) > _capacity)
            {
                Interlocked.Decrement(ref _allocated);
                Interlocked.Increment(ref _dropped);
                return;
            }

            observation = new QueryObservation();
        }

        observation.Fill(lowerWireName, qtype, mappedClient, network, rule, Time.GetUtcNow().UtcDateTime);
        Interlocked.Increment(ref _observed);
        _queue.Writer.TryWrite(observation);
    }

    /// <summary>Gives an observation back to the pool once it has been read.</summary>
    public void Return(QueryObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        observation.Clear();
        _free.Enqueue(observation);
    }

    public void Complete() => _queue.Writer.TryComplete();
}
