using Resolver.Server.Configuration;

namespace Resolver.Server.Limits;

/// <summary>
/// Open TCP connections per client prefix, over all listeners, in a fixed table of counters: bounded
/// memory, and every <see cref="TryOpen"/> that succeeds is paired with one <see cref="Close"/> of the same
/// slot, so the counts cannot drift. Clients whose prefixes hash to the same slot share its cap.
/// </summary>
public sealed class TcpClientConnections
{
    /// <summary>Returned by <see cref="TryOpen"/> when the client already has its maximum open.</summary>
    public const int Refused = -1;

    /// <summary>Slots in the table; with at most a few thousand connections open, shared slots are rare.</summary>
    private const int Slots = 16384;

    private readonly int[] _open;
    private readonly int _maxPerClient;
    private readonly ClientPrefix _prefix;

    public TcpClientConnections(DnsServerOptions options)
    {
        _maxPerClient = options.Tcp.MaxConnectionsPerClient;
        _prefix = new ClientPrefix(options.RateLimit.IPv4PrefixLength, options.RateLimit.IPv6PrefixLength);
        _open = new int[_maxPerClient > 0 ? Slots : 1];
    }

    /// <summary>
    /// Counts a new connection of the client (16 bytes, IPv4 mapped); returns the slot to hand back to
    /// <see cref="Close"/>, or <see cref="Refused"/>.
    /// </summary>
    public int TryOpen(ReadOnlySpan<byte> mappedAddress)
    {
        if (_maxPerClient == 0)
        {
            return 0;
        }

        var slot = _prefix.Slot(mappedAddress, _open.Length);
        if (Interlocked.Increment(ref _open[slot]) > _maxPerClient)
        {
            Interlocked.Decrement(ref _open[slot]);
            return Refused;
        }

        return slot;
    }

    public void Close(int slot)
    {
        if (_maxPerClient > 0)
        {
            Interlocked.Decrement(ref _open[slot]);
        }
    }

    /// <summary>Connections counted open over all clients (tests check that closing gives every place back).</summary>
    public int OpenConnections
    {
        get
        {
            var total = 0;
            for (var i = 0; i < _open.Length; i++)
            {
                total += Volatile.Read(ref _open[i]);
            }

            return total;
        }
    }
}
