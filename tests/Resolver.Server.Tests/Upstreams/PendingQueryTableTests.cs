using System.Net;
using Resolver.Dns.Wire;
using Resolver.Server.Pipeline;
using Resolver.Server.Upstreams;
using Resolver.Testing;

namespace Resolver.Server.Tests.Upstreams;

public sealed class PendingQueryTableTests
{
    private const string Name = "www.example.test";
    private const ushort ClientId = 0x4242;

    [Fact]
    public void TryAdd_assigns_an_id_and_writes_it_into_the_query_bytes()
    {
        var table = new PendingQueryTable();
        var context = NewContext();

        Assert.True(table.TryAdd(context, attemptDeadline: 100));

        Assert.Equal(1, table.Count);
        Assert.Equal(context.UpstreamId, TestMessage.Id(context.QueryBytes));
        Assert.Equal(ClientId, context.Query.Id);
    }

    [Fact]
    public void TryAdd_assigns_distinct_ids_to_queries_in_flight()
    {
        var table = new PendingQueryTable();
        var contexts = Enumerable.Range(0, 2000).Select(_ => NewContext()).ToList();

        foreach (var context in contexts)
        {
            Assert.True(table.TryAdd(context, attemptDeadline: 100));
        }

        Assert.Equal(2000, table.Count);
        Assert.Equal(2000, contexts.Select(c => c.UpstreamId).Distinct().Count());
        Assert.All(contexts, c => Assert.Equal(c.UpstreamId, TestMessage.Id(c.QueryBytes)));
    }

    [Fact]
    public void Matching_reply_takes_its_query_out_of_the_table()
    {
        var table = new PendingQueryTable();
        var context = Add(table, NewContext(socketIndex: 3));

        var taken = table.TryTakeMatching(ReplyTo(context), socketIndex: 3);

        Assert.Same(context, taken);
        Assert.Equal(0, table.Count);
        Assert.Null(table.TryTakeMatching(ReplyTo(context), socketIndex: 3));
    }

    [Fact]
    public void Reply_picks_its_own_query_among_several()
    {
        var table = new PendingQueryTable();
        var contexts = Enumerable.Range(0, 50).Select(i => Add(table, NewContext(name: $"host{i}.example.test", socketIndex: i % 4))).ToList();

        var taken = table.TryTakeMatching(ReplyTo(contexts[17]), socketIndex: 17 % 4);

        Assert.Same(contexts[17], taken);
        Assert.Equal(49, table.Count);
    }

    [Fact]
    public void Reply_on_another_socket_is_not_accepted_and_the_query_stays_pending()
    {
        var table = new PendingQueryTable();
        var context = Add(table, NewContext(socketIndex: 1));

        Assert.Null(table.TryTakeMatching(ReplyTo(context), socketIndex: 0));
        Assert.Null(table.TryTakeMatching(ReplyTo(context), socketIndex: 2));

        Assert.Equal(1, table.Count);
        Assert.Same(context, table.TryTakeMatching(ReplyTo(context), socketIndex: 1));
    }

    [Theory]
    [InlineData("WWW.EXAMPLE.TEST")]
    [InlineData("wWw.ExAmPlE.tEsT")]
    [InlineData("www.example.test")]
    public void Question_name_is_matched_ignoring_case(string replyName)
    {
        var table = new PendingQueryTable();
        var context = Add(table, NewContext(name: "Www.Example.Test"));
        var reply = ReplyTo(context);
        TestMessage.EncodeName(replyName).CopyTo(reply, DnsHeader.Size);

        Assert.Same(context, table.TryTakeMatching(reply, context.SocketIndex));
    }

    [Theory]
    [InlineData("wrong id")]
    [InlineData("wrong type")]
    [InlineData("wrong class")]
    [InlineData("other name of the same length")]
    [InlineData("longer name")]
    [InlineData("shorter name")]
    [InlineData("compressed question name")]
    [InlineData("qr clear")]
    [InlineData("no question")]
    [InlineData("two questions")]
    [InlineData("cut inside the question")]
    [InlineData("header only")]
    [InlineData("shorter than a header")]
    [InlineData("empty")]
    public void Spoofed_or_broken_reply_is_not_accepted_and_the_query_stays_pending(string kind)
    {
        var table = new PendingQueryTable();
        var context = Add(table, NewContext());
        var id = context.UpstreamId;
        var genuine = ReplyTo(context);
        var questionEnd = TestMessage.QuestionEnd(genuine);
        var reply = genuine.ToArray();
        switch (kind)
        {
            case "wrong id":
                DnsHeader.SetId(reply, (ushort)(id ^ 0x0001));
                break;
            case "wrong type":
                reply[questionEnd - 3] = (byte)TestMessage.TypeAaaa;
                break;
            case "wrong class":
                reply[questionEnd - 1] = 3;
                break;
            case "other name of the same length":
                reply = AnswerWithId(TestMessage.Query("www.example.tesu", TestMessage.TypeA), id);
                break;
            case "longer name":
                reply = AnswerWithId(TestMessage.Query("www.example.test.evil", TestMessage.TypeA), id);
                break;
            case "shorter name":
                reply = AnswerWithId(TestMessage.Query("example.test", TestMessage.TypeA), id);
                break;
            case "compressed question name":
                reply = [.. reply[..DnsHeader.Size], 0xC0, 0x0C, .. reply[(questionEnd - 4)..]];
                break;
            case "qr clear":
                reply[2] &= 0x7F;
                break;
            case "no question":
                reply[5] = 0;
                break;
            case "two questions":
                reply[5] = 2;
                break;
            case "cut inside the question":
                reply = reply[..(questionEnd - 2)];
                break;
            case "header only":
                reply = reply[..DnsHeader.Size];
                break;
            case "shorter than a header":
                reply = reply[..11];
                break;
            case "empty":
                reply = [];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }

        Assert.Null(table.TryTakeMatching(reply, context.SocketIndex));

        Assert.Equal(1, table.Count);
        Assert.Same(context, table.TryTakeMatching(genuine, context.SocketIndex));
    }

    [Fact]
    public void Flood_of_guessed_ids_does_not_cancel_the_query()
    {
        var table = new PendingQueryTable();
        var context = Add(table, NewContext());
        var reply = ReplyTo(context);

        for (var id = 0; id <= ushort.MaxValue; id++)
        {
            if (id == context.UpstreamId)
            {
                continue;
            }

            DnsHeader.SetId(reply, (ushort)id);
            Assert.Null(table.TryTakeMatching(reply, context.SocketIndex));
        }

        Assert.Equal(1, table.Count);
        Assert.Same(context, table.TryTakeMatching(ReplyTo(context), context.SocketIndex));
    }

    [Fact]
    public void TakeExpired_returns_only_expired_queries_in_send_order()
    {
        var table = new PendingQueryTable();
        var a = Add(table, NewContext(name: "a.test"), deadline: 300);
        var b = Add(table, NewContext(name: "b.test"), deadline: 100);
        var c = Add(table, NewContext(name: "c.test"), deadline: 400);
        var d = Add(table, NewContext(name: "d.test"), deadline: 200);
        var e = Add(table, NewContext(name: "e.test"), deadline: 201);
        var expired = new List<QueryContext>();

        table.TakeExpired(200, expired);

        Assert.Equal([b, d], expired);
        Assert.Equal(3, table.Count);
        Assert.Null(table.TryTakeMatching(ReplyTo(b), b.SocketIndex));
        Assert.Null(table.TryTakeMatching(ReplyTo(d), d.SocketIndex));

        expired.Clear();
        table.TakeExpired(350, expired);

        Assert.Equal([a, e], expired);
        Assert.Same(c, table.TryTakeMatching(ReplyTo(c), c.SocketIndex));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void TakeExpired_with_nothing_expired_takes_nothing()
    {
        var table = new PendingQueryTable();
        var context = Add(table, NewContext(), deadline: 1000);
        var expired = new List<QueryContext>();

        table.TakeExpired(999, expired);

        Assert.Empty(expired);
        Assert.Equal(1, table.Count);
        Assert.Same(context, table.TryTakeMatching(ReplyTo(context), context.SocketIndex));
    }

    [Fact]
    public void TakeExpired_appends_to_the_given_list()
    {
        var table = new PendingQueryTable();
        var other = NewContext(name: "other.test");
        var context = Add(table, NewContext(), deadline: 5);
        var expired = new List<QueryContext> { other };

        table.TakeExpired(10, expired);

        Assert.Equal([other, context], expired);
    }

    [Fact]
    public void TakeAll_returns_every_query_in_send_order_and_empties_the_table()
    {
        var table = new PendingQueryTable();
        var contexts = Enumerable.Range(0, 10).Select(i => Add(table, NewContext(name: $"q{i}.test"), deadline: 100 - i)).ToList();
        var taken = new List<QueryContext>();

        table.TakeAll(taken);

        Assert.Equal(contexts, taken);
        Assert.Equal(0, table.Count);
        Assert.All(contexts, c => Assert.Null(table.TryTakeMatching(ReplyTo(c), c.SocketIndex)));

        var expired = new List<QueryContext>();
        table.TakeExpired(long.MaxValue, expired);
        Assert.Empty(expired);
    }

    [Fact]
    public void Table_is_usable_again_after_TakeAll()
    {
        var table = new PendingQueryTable();
        Add(table, NewContext());
        table.TakeAll([]);

        var context = Add(table, NewContext(name: "again.test"));

        Assert.Equal(1, table.Count);
        Assert.Same(context, table.TryTakeMatching(ReplyTo(context), context.SocketIndex));
    }

    [Fact]
    public void A_retransmission_keeps_its_id_so_the_late_answer_to_the_first_send_still_matches()
    {
        var table = new PendingQueryTable();
        var context = Add(table, NewContext(name: "slow.test"));
        var lateReply = ReplyTo(context);
        var firstId = context.UpstreamId;
        var expired = new List<QueryContext>();
        table.TakeExpired(long.MaxValue, expired);

        Assert.True(table.TryAdd(context, attemptDeadline: 200, retransmitId: firstId));

        Assert.Equal(firstId, context.UpstreamId);
        Assert.Same(context, table.TryTakeMatching(lateReply, context.SocketIndex));
    }

    [Fact]
    public void TryRemove_removes_once_and_a_late_reply_then_matches_nothing()
    {
        var table = new PendingQueryTable();
        var first = Add(table, NewContext(name: "first.test"));
        var middle = Add(table, NewContext(name: "middle.test"));
        var last = Add(table, NewContext(name: "last.test"));

        Assert.True(table.TryRemove(middle));
        Assert.False(table.TryRemove(middle));

        Assert.Equal(2, table.Count);
        Assert.Null(table.TryTakeMatching(ReplyTo(middle), middle.SocketIndex));
        var taken = new List<QueryContext>();
        table.TakeAll(taken);
        Assert.Equal([first, last], taken);
    }

    [Fact]
    public void Full_table_refuses_new_queries_and_accepts_them_again_once_emptied()
    {
        var table = new PendingQueryTable();
        QueryContext? refused = null;
        for (var i = 0; i <= ushort.MaxValue + 1; i++)
        {
            var context = NewContext();
            if (!table.TryAdd(context, attemptDeadline: 100))
            {
                refused = context;
                break;
            }
        }

        Assert.NotNull(refused);
        var count = table.Count;
        Assert.InRange(count, ushort.MaxValue / 2, ushort.MaxValue + 1);
        Assert.False(table.TryRemove(refused));
        Assert.Equal(count, table.Count);

        var taken = new List<QueryContext>();
        table.TakeAll(taken);
        Assert.Equal(count, taken.Count);
        Assert.Equal(count, taken.Select(c => c.UpstreamId).Distinct().Count());
        Assert.True(table.TryAdd(refused, attemptDeadline: 100));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Ids_are_unpredictable_rather_than_sequential()
    {
        var table = new PendingQueryTable();
        var ids = Enumerable.Range(0, 1000).Select(_ => Add(table, NewContext()).UpstreamId).ToList();

        var ascending = ids.Zip(ids.Skip(1)).Count(pair => pair.Second > pair.First);
        var highBytes = ids.Select(id => id >> 8).Distinct().Count();
        var steps = ids.Zip(ids.Skip(1)).Select(pair => (pair.Second - pair.First) & 0xFFFF).Distinct().Count();

        // A random sequence has about 500 rises (sd ~9), covers ~250 of 256 high bytes and has ~all steps different.
        Assert.InRange(ascending, 400, 600);
        Assert.True(highBytes >= 200, $"only {highBytes} distinct high bytes");
        Assert.True(steps >= 900, $"only {steps} distinct steps between consecutive IDs");
        Assert.True(ids.Max() - ids.Min() > 60000, "IDs cover a narrow range");
        for (var bit = 0; bit < 16; bit++)
        {
            var set = ids.Count(id => (id & (1 << bit)) != 0);
            Assert.InRange(set, 350, 650);
        }
    }

    private static QueryContext NewContext(string name = Name, ushort type = TestMessage.TypeA, int socketIndex = 0)
    {
        var bytes = TestMessage.Query(name, type, ClientId);
        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(bytes, out var parsed));
        var context = new QueryContext();
        context.Initialize(bytes, parsed, DnsTransport.Udp, new IPEndPoint(IPAddress.Loopback, 40000).Serialize(), NoSink.Instance, 0);
        context.SocketIndex = socketIndex;
        return context;
    }

    private static QueryContext Add(PendingQueryTable table, QueryContext context, long deadline = 100)
    {
        Assert.True(table.TryAdd(context, deadline));
        return context;
    }

    /// <summary>The upstream's answer to the query as sent (so with the ID the table assigned).</summary>
    private static byte[] ReplyTo(QueryContext context) => TestMessage.Answer(context.QueryBytes, [TestMessage.A("192.0.2.1")]);

    private static byte[] AnswerWithId(byte[] query, ushort id)
    {
        DnsHeader.SetId(query, id);
        return TestMessage.Answer(query, [TestMessage.A("192.0.2.1")]);
    }

    private sealed class NoSink : IDnsResponseSink
    {
        public static readonly NoSink Instance = new();

        public void SendResponse(QueryContext context, ReadOnlySpan<byte> response)
        {
        }
    }
}
