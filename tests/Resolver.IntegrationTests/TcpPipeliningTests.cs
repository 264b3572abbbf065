using System.Net.Sockets;
using Resolver.Testing;

namespace Resolver.IntegrationTests;

public sealed class TcpPipeliningTests
{
    private const int QueryCount = 10;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // One attempt per query: the slowest answer (800 ms) must not race the 750 ms default attempt timeout.
    private static readonly Dictionary<string, string> OneLongAttempt = new()
    {
        ["Upstream:QueryTimeout"] = "00:00:03",
        ["Upstream:AttemptTimeout"] = "00:00:03",
    };

    [Fact]
    public async Task Ten_pipelined_queries_on_one_connection_all_get_their_answers_as_the_upstream_completes_them()
    {
        // Query i is answered after (10 - i) * 150 ms, so the upstream finishes them in reverse order, with
        // gaps wide enough that a busy machine does not reorder them.
        await using var upstream = TestUpstream.Start(request =>
        {
            var index = int.Parse(request.Name.Split('.')[0][1..], System.Globalization.CultureInfo.InvariantCulture);
            return UpstreamReply.Answer(request, [TestMessage.A($"192.0.2.{100 + index}")], delay: TimeSpan.FromMilliseconds((QueryCount - index) * 150));
        });
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint], tcpOnly: false, OneLongAttempt);
        using var socket = await RawDnsClient.ConnectTcpAsync(resolver.EndPoint, Timeout);

        var batch = new List<byte>();
        for (var i = 0; i < QueryCount; i++)
        {
            batch.AddRange(RawDnsClient.Frame(TestMessage.Query($"q{i}.pipeline.test", TestMessage.TypeA, id: (ushort)(0x5000 + i))));
        }

        await socket.SendAsync(batch.ToArray(), SocketFlags.None);

        var answers = new List<byte[]>();
        for (var i = 0; i < QueryCount; i++)
        {
            var answer = await RawDnsClient.ReadFramedAsync(socket, Timeout);
            Assert.NotNull(answer);
            answers.Add(answer);
        }

        Assert.Equal(Enumerable.Range(0x5000, QueryCount), answers.Select(a => (int)TestMessage.Id(a)).Order());
        foreach (var answer in answers)
        {
            var index = TestMessage.Id(answer) - 0x5000;
            Assert.Equal(0, TestMessage.Rcode(answer));
            Assert.Equal($"q{index}.pipeline.test", TestMessage.QuestionName(answer));
            Assert.Equal(1, TestMessage.Count(answer, 1));
            Assert.Equal([192, 0, 2, (byte)(100 + index)], answer[^4..]);
        }

        // Answers go out as they complete: the first query (1.5 s) cannot come before the last (150 ms).
        Assert.NotEqual(0x5000, TestMessage.Id(answers[0]));
        Assert.Equal(QueryCount, upstream.Received.Count);
        Assert.Equal(QueryCount, resolver.Server.Pipeline.Counters.TcpQueries);
    }

    [Fact]
    public async Task Pipelined_queries_after_a_malformed_one_are_still_answered_on_the_same_connection()
    {
        await using var upstream = TestUpstream.Start();
        await using var resolver = await ResolverUnderTest.StartAsync([upstream.EndPoint]);
        using var socket = await RawDnsClient.ConnectTcpAsync(resolver.EndPoint, Timeout);
        var twoQuestions = TestMessage.Query("bad.pipeline.test", TestMessage.TypeA, id: 0x6001);
        twoQuestions[5] = 2;

        var batch = new List<byte>();
        batch.AddRange(RawDnsClient.Frame(TestMessage.Query("a.pipeline.test", TestMessage.TypeA, id: 0x6000)));
        batch.AddRange(RawDnsClient.Frame(twoQuestions));
        batch.AddRange(RawDnsClient.Frame(TestMessage.Query("b.pipeline.test", TestMessage.TypeA, id: 0x6002)));
        await socket.SendAsync(batch.ToArray(), SocketFlags.None);

        var byId = new Dictionary<int, byte[]>();
        for (var i = 0; i < 3; i++)
        {
            var answer = await RawDnsClient.ReadFramedAsync(socket, Timeout);
            Assert.NotNull(answer);
            byId[TestMessage.Id(answer)] = answer;
        }

        Assert.Equal(0, TestMessage.Rcode(byId[0x6000]));
        Assert.Equal(1, TestMessage.Rcode(byId[0x6001]));
        Assert.Equal(0, TestMessage.Rcode(byId[0x6002]));
        Assert.Equal("b.pipeline.test", TestMessage.QuestionName(byId[0x6002]));
    }
}
