using Resolver.Dns.Wire;
using Resolver.Server.Pipeline;

namespace Resolver.Server.Upstreams;

/// <summary>
/// The queries in flight to one upstream, by the random ID they were sent with, plus a list in send
/// order for the timeout sweep. One short lock per operation: cheaper than any lock-free scheme that
/// also has to keep the sweep list.
/// </summary>
internal sealed class PendingQueryTable
{
    private const int MaxIdDraws = 64;

    private readonly QueryContext?[] _byId = new QueryContext?[ushort.MaxValue + 1];
    private readonly Lock _lock = new();
    private QueryContext? _head;
    private QueryContext? _tail;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Registers the query under a fresh random ID not in use (or under <paramref name="retransmitId"/>, the
    /// ID of its previous attempt on this upstream, when that is still free) and writes the ID into its
    /// bytes; false only when the table is saturated.
    /// </summary>
    public bool TryAdd(QueryContext context, long attemptDeadline, int retransmitId = -1)
    {
        lock (_lock)
        {
            for (var draw = 0; draw < MaxIdDraws; draw++)
            {
                var id = draw == 0 && retransmitId is >= 0 and <= ushort.MaxValue && _byId[retransmitId] is null
                    ? (ushort)retransmitId
                    : SecureRandomSource.NextUInt16();
                if (_byId[id] is not null)
                {
                    continue;
                }

                _byId[id] = context;
                context.UpstreamId = id;
                DnsHeader.SetId(context.QueryBytes, id);
                context.AttemptDeadline = attemptDeadline;
                context.PendingNext = null;
                context.PendingPrevious = _tail;
                if (_tail is null)
                {
                    _head = context;
                }
                else
                {
                    _tail.PendingNext = context;
                }

                _tail = context;
                _count++;
                return true;
            }
        }

        return false;
    }

    public bool TryRemove(QueryContext context)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_byId[context.UpstreamId], context))
            {
                return false;
            }

            Unlink(context);
            return true;
        }
    }

    /// <summary>
    /// Takes the query this reply answers: same ID, received on the socket the query was sent from, and
    /// the same question (name ignoring case, type, class). Anything else is left alone: a spoofed or
    /// late reply must not complete, nor cancel, a query.
    /// </summary>
    public QueryContext? TryTakeMatching(ReadOnlySpan<byte> reply, int socketIndex)
    {
        if (reply.Length < DnsHeader.Size || (DnsHeader.GetFlags(reply) & DnsHeader.FlagQr) == 0 || DnsHeader.GetQuestionCount(reply) != 1)
        {
            return null;
        }

        var id = DnsHeader.GetId(reply);
        lock (_lock)
        {
            var context = _byId[id];
            if (context is null || context.SocketIndex != socketIndex || !QuestionMatches(context, reply))
            {
                return null;
            }

            Unlink(context);
            return context;
        }
    }

    /// <summary>Moves every query whose attempt deadline has passed into <paramref name="expired"/>.</summary>
    public void TakeExpired(long now, List<QueryContext> expired)
    {
        lock (_lock)
        {
            var node = _head;
            while (node is not null)
            {
                var next = node.PendingNext;
                if (node.AttemptDeadline <= now)
                {
                    Unlink(node);
                    expired.Add(node);
                }

                node = next;
            }
        }
    }

    /// <summary>Takes every pending query, for a dead upstream or a stop.</summary>
    public void TakeAll(List<QueryContext> taken)
    {
        lock (_lock)
        {
            while (_head is not null)
            {
                var node = _head;
                Unlink(node);
                taken.Add(node);
            }
        }
    }

    internal static bool QuestionMatches(QueryContext context, ReadOnlySpan<byte> reply)
    {
        var nameLength = context.Query.NameWireLength;
        var questionLength = nameLength + 4;
        if (reply.Length < DnsHeader.Size + questionLength)
        {
            return false;
        }

        var sent = context.QueryBytes.Slice(DnsHeader.Size, questionLength);
        var received = reply.Slice(DnsHeader.Size, questionLength);

        // Byte-wise: the question name of a reply is never compressed, and a length byte (0-63) is
        // untouched by ASCII lower-casing, so labels line up or the comparison fails.
        for (var i = 0; i < nameLength; i++)
        {
            if (sent[i] != received[i] && DnsName.ToLowerAscii(sent[i]) != DnsName.ToLowerAscii(received[i]))
            {
                return false;
            }
        }

        return sent[nameLength..].SequenceEqual(received[nameLength..]);
    }

    private void Unlink(QueryContext context)
    {
        _byId[context.UpstreamId] = null;
        var previous = context.PendingPrevious;
        var next = context.PendingNext;
        if (previous is null)
        {
            _head = next;
        }
        else
        {
            previous.PendingNext = next;
        }

        if (next is null)
        {
            _tail = previous;
        }
        else
        {
            next.PendingPrevious = previous;
        }

        context.PendingPrevious = null;
        context.PendingNext = null;
        _count--;
    }
}
