using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Resolver.Server.Listeners;
using Resolver.Server.Listeners.Interop;
using Resolver.Server.Pipeline;
using Resolver.Server.Tests.Pipeline;
using Resolver.Testing;

namespace Resolver.Server.Tests.Listeners;

/// <summary>
/// The Linux receive loop that takes several datagrams per recvmmsg and sends the answers made at once
/// with one sendmmsg, driven directly on loopback with an in-memory upstream.
/// </summary>
public sealed class UdpListenerSocketBatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void Native_headers_have_the_64_bit_linux_layout()
    {
        Assert.Equal(16, Unsafe.SizeOf<IoVec>());
        Assert.Equal(56, Unsafe.SizeOf<MsgHdr>());
        Assert.Equal(64, Unsafe.SizeOf<MMsgHdr>());
        Assert.Equal(8, (int)Marshal.OffsetOf<MsgHdr>(nameof(MsgHdr.NameLength)));
        Assert.Equal(16, (int)Marshal.OffsetOf<MsgHdr>(nameof(MsgHdr.Iov)));
        Assert.Equal(24, (int)Marshal.OffsetOf<MsgHdr>(nameof(MsgHdr.IovLength)));
        Assert.Equal(32, (int)Marshal.OffsetOf<MsgHdr>(nameof(MsgHdr.Control)));
        Assert.Equal(40, (int)Marshal.OffsetOf<MsgHdr>(nameof(MsgHdr.ControlLength)));
        Assert.Equal(48, (int)Marshal.OffsetOf<MsgHdr>(nameof(MsgHdr.Flags)));
        Assert.Equal(56, (int)Marshal.OffsetOf<MMsgHdr>(nameof(MMsgHdr.Length)));
    }

    [Fact]
    public void Queued_datagrams_from_several_clients_are_taken_in_batches_and_each_answer_reaches_its_sender()
    {
        using var harness = new Harness(IPAddress.Loopback, batchSize: 32);
        var clients = Enumerable.Range(0, 4).Select(_ => harness.Client()).ToArray();
        try
        {
            // The first query is forwarded and answered inline, which fills the cache for the later ones.
            for (var i = 0; i < 100; i++)
            {
                var name = i % 2 == 0 ? "www.example.test" : $"t{i}.ads.example";
                Send(clients[i % 4], TestMessage.Query(name, TestMessage.TypeA, id: (ushort)(0x1000 + i), ednsPayload: 1232));
            }

            // Everything is queued before the loop runs, so it must come in full batches: 32, 32, 32, 4.
            harness.Start();
            for (var i = 0; i < 100; i++)
            {
                var answer = Receive(clients[i % 4]);
                Assert.Equal(0x1000 + i, TestMessage.Id(answer));
                Assert.Equal(i % 2 == 0 ? 0 : 3, TestMessage.Rcode(answer));
            }

            harness.Stop();
            Assert.Equal(100, harness.Socket.ReceivedDatagrams);
            Assert.Equal(4, harness.Socket.ReceiveCalls);
            Assert.Equal(1, harness.Forwarder.Forwarded);
            Assert.Equal(49, harness.Pipeline.Counters.CacheAnswers);
            Assert.Equal(0, Interlocked.Read(ref harness.Socket.SendErrors));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public void A_batch_mixing_forwarded_dropped_oversized_and_local_answers_answers_each_query_once()
    {
        using var harness = new Harness(IPAddress.Loopback, batchSize: 8);
        using var client = harness.Client();
        var oversized = TestMessage.Query("big.example.test", TestMessage.TypeA, id: 0x0B16, ednsPayload: 1232, ednsOptions: Padding(5000));
        Assert.True(oversized.Length > UdpDatagramBatch.SlotBytes);
        Send(client, TestMessage.Query("first.example.test", TestMessage.TypeA, id: 0x0001));
        Send(client, []);
        Send(client, oversized);
        Send(client, TestMessage.Query("reflected.test", TestMessage.TypeA, id: 0x0002, flags: 0x8180));
        Send(client, TestMessage.Query("x.ads.example", TestMessage.TypeA, id: 0x0003));
        Send(client, TestMessage.Query("second.example.test", TestMessage.TypeA, id: 0x0004));
        harness.Start();

        var answers = Enumerable.Range(0, 4).Select(_ => Receive(client)).ToDictionary(a => TestMessage.Id(a));

        // The forwarded ones are answered inline by the in-memory upstream, before the batch's own answers leave.
        Assert.Equal(new ushort[] { 0x0001, 0x0003, 0x0004, 0x0B16 }, answers.Keys.Order());
        Assert.Equal(0, TestMessage.Rcode(answers[0x0001]));
        Assert.Equal(3, TestMessage.Rcode(answers[0x0003]));
        Assert.Equal(0, TestMessage.Rcode(answers[0x0004]));

        // The oversized query arrived cut to its slot: its OPT record is incomplete, so it is malformed.
        Assert.Equal(1, TestMessage.Rcode(answers[0x0B16]));
        Assert.Equal("big.example.test", TestMessage.QuestionName(answers[0x0B16]));
        Assert.Null(TryReceive(client, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(2, harness.Pipeline.Counters.Dropped);
        Assert.Equal(1, harness.Pipeline.Counters.Malformed);
        Assert.Equal(2, harness.Forwarder.Forwarded);
    }

    [Fact]
    public void Ipv6_clients_get_their_answers_through_the_batch()
    {
        using var harness = new Harness(IPAddress.IPv6Loopback, batchSize: 32);
        using var first = harness.Client();
        using var second = harness.Client();
        for (var i = 0; i < 10; i++)
        {
            Send(i % 2 == 0 ? first : second, TestMessage.Query($"n{i}.ads.example", TestMessage.TypeA, id: (ushort)(0x6000 + i)));
        }

        harness.Start();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(0x6000 + i, TestMessage.Id(Receive(i % 2 == 0 ? first : second)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public void Stopping_wakes_a_loop_blocked_in_its_receive(int batchSize)
    {
        using var harness = new Harness(IPAddress.Loopback, batchSize);
        harness.Start();
        Thread.Sleep(200);

        var stopped = Stopwatch.StartNew();
        harness.Stop();

        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(2), $"the loop took {stopped.Elapsed} to stop");
    }

    [Fact]
    public void Ten_thousand_cache_hits_and_block_answers_through_the_batched_loop_allocate_zero_bytes_on_its_thread()
    {
        using var harness = new Harness(IPAddress.Loopback, batchSize: 32);
        using var client = harness.Client();
        harness.Start();
        Exchange(harness, client, "www.example.test", 0x0001);
        RunBursts(harness, client, 2_000);

        // The upstream notes the loop thread's allocation count when it sees each marker: everything the
        // loop does in between (receive, parse, firewall, cache, send) shows up in the difference.
        Exchange(harness, client, "marker-one.example.test", 0x0002);
        var before = harness.Pipeline.Counters.CacheAnswers;
        RunBursts(harness, client, 10_000);
        Exchange(harness, client, "marker-two.example.test", 0x0003);
        harness.Stop();

        Assert.Equal(10_000, (harness.Pipeline.Counters.CacheAnswers - before) * 2);
        Assert.Equal(2, harness.Forwarder.Markers.Count);
        Assert.Equal(0, harness.Forwarder.Markers[1] - harness.Forwarder.Markers[0]);
        Assert.True(harness.Socket.ReceivedDatagrams > harness.Socket.ReceiveCalls, "some receives should have taken more than one datagram");
    }

    /// <summary>Sends bursts of 50 queries, half cache hits and half blocked, and reads every answer.</summary>
    private static void RunBursts(Harness harness, Socket client, int queries)
    {
        for (var sent = 0; sent < queries; sent += 50)
        {
            for (var i = 0; i < 50; i++)
            {
                Send(client, i % 2 == 0 ? harness.Cached : harness.Blocked);
            }

            for (var i = 0; i < 50; i++)
            {
                Receive(client);
            }
        }
    }

    private static void Send(Socket client, byte[] query) => client.Send(query);

    private static void Exchange(Harness harness, Socket client, string name, ushort id)
    {
        Send(client, TestMessage.Query(name, TestMessage.TypeA, id: id, ednsPayload: 1232));
        Assert.Equal(id, TestMessage.Id(Receive(client)));
    }

    private static byte[] Receive(Socket client) => TryReceive(client, Timeout) ?? throw new TimeoutException("no answer");

    private static byte[]? TryReceive(Socket client, TimeSpan timeout)
    {
        var buffer = new byte[65535];
        client.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        try
        {
            return buffer[..client.Receive(buffer)];
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.TimedOut)
        {
            return null;
        }
    }

    /// <summary>An EDNS padding option (code 12) of <paramref name="length"/> zero bytes.</summary>
    private static byte[] Padding(int length)
    {
        var option = new byte[4 + length];
        option[1] = 12;
        option[2] = (byte)(length >> 8);
        option[3] = (byte)length;
        return option;
    }

    /// <summary>A pipeline over an in-memory upstream and one listener socket whose loop the test starts and stops.</summary>
    private sealed class Harness : IDisposable
    {
        private Thread? _thread;

        public Harness(IPAddress address, int batchSize)
        {
            Forwarder = new InMemoryForwarder();
            Pipeline = TestPipeline.BlockingAds(Forwarder);
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
            socket.Bind(new IPEndPoint(address, 0));
            EndPoint = (IPEndPoint)socket.LocalEndPoint!;
            Socket = new UdpListenerSocket(socket, Pipeline, NullLogger.Instance, batchSize);
        }

        public InMemoryForwarder Forwarder { get; }

        public QueryPipeline Pipeline { get; }

        public IPEndPoint EndPoint { get; }

        public UdpListenerSocket Socket { get; }

        public byte[] Cached { get; } = TestMessage.Query("www.example.test", TestMessage.TypeA, id: 0x1111, ednsPayload: 1232);

        public byte[] Blocked { get; } = TestMessage.Query("tracker.ads.example", TestMessage.TypeA, id: 0x2222, ednsPayload: 1232);

        public Socket Client()
        {
            var client = new Socket(EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
            client.Connect(EndPoint);
            return client;
        }

        public void Start()
        {
            _thread = new Thread(Socket.ReceiveLoop) { IsBackground = true, Name = "udp-batch-test" };
            _thread.Start();
        }

        public void Stop()
        {
            Socket.StopReceiving();
            Assert.True(_thread!.Join(Timeout), "the receive loop did not stop");
        }

        public void Dispose()
        {
            Socket.StopReceiving();
            _thread?.Join(Timeout);
            Socket.Dispose();
        }
    }
}
