using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Resolver.Server.Listeners.Interop;

namespace Resolver.Server.Listeners;

/// <summary>
/// The buffers of one Linux receive loop: a vector of datagram slots filled by one <c>recvmmsg</c>, and
/// the answers made from them, sent with one <c>sendmmsg</c>. Everything is allocated once, on the pinned
/// object heap and held by fields, so the native headers can point into it for the batch's life;
/// receiving, queueing and flushing allocate nothing. Used by its loop's thread only.
/// </summary>
internal sealed unsafe class UdpDatagramBatch
{
    /// <summary>Room for one query: a larger datagram is cut by the kernel (MSG_TRUNC) and handled as what arrived.</summary>
    public const int SlotBytes = 4096;

    /// <summary>sockaddr storage per slot, as <c>struct sockaddr_storage</c>.</summary>
    public const int NameBytes = 128;

    /// <summary>The pipeline writes each answer into this much room, as into the single-packet loop's buffer.</summary>
    public const int ResponseRoom = ushort.MaxValue;

    /// <summary>Answer size the arena is sized for beyond one full <see cref="ResponseRoom"/> (the DNS flag day 2020 value).</summary>
    private const int TypicalAnswerBytes = 1232;

    private readonly SafeHandle _handle;
    private readonly SocketAddress[] _clients;
    private readonly MMsgHdr[] _received;
    private readonly MMsgHdr[] _answers;
    private readonly IoVec[] _receiveVectors;
    private readonly IoVec[] _answerVectors;
    private readonly byte[] _datagrams;
    private readonly byte[] _names;
    private readonly byte[] _arena;
    private readonly MMsgHdr* _receivedBase;
    private readonly MMsgHdr* _answersBase;
    private readonly IoVec* _answerVectorsBase;
    private readonly byte* _namesBase;
    private readonly byte* _arenaBase;
    private int _queued;
    private int _arenaUsed;

    public UdpDatagramBatch(SafeHandle handle, int capacity, AddressFamily family)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _handle = handle;
        Capacity = capacity;
        _clients = new SocketAddress[capacity];
        _received = GC.AllocateArray<MMsgHdr>(capacity, pinned: true);
        _receiveVectors = GC.AllocateArray<IoVec>(capacity, pinned: true);
        _answers = GC.AllocateArray<MMsgHdr>(capacity, pinned: true);
        _answerVectors = GC.AllocateArray<IoVec>(capacity, pinned: true);
        _datagrams = GC.AllocateArray<byte>(capacity * SlotBytes, pinned: true);
        _names = GC.AllocateArray<byte>(capacity * NameBytes, pinned: true);
        _arena = GC.AllocateArray<byte>(ResponseRoom + (capacity * TypicalAnswerBytes), pinned: true);
        _receivedBase = AddressOf(_received);
        _answersBase = AddressOf(_answers);
        _answerVectorsBase = AddressOf(_answerVectors);
        _namesBase = AddressOf(_names);
        _arenaBase = AddressOf(_arena);
        var receiveVectorsBase = AddressOf(_receiveVectors);
        var datagramsBase = AddressOf(_datagrams);
        for (var i = 0; i < capacity; i++)
        {
            _clients[i] = new SocketAddress(family);
            receiveVectorsBase[i].Base = datagramsBase + (i * SlotBytes);
            receiveVectorsBase[i].Length = SlotBytes;
            ref var header = ref _received[i].Header;
            header.Name = _namesBase + (i * NameBytes);
            header.Iov = receiveVectorsBase + i;
            header.IovLength = 1;
            _answers[i].Header.IovLength = 1;
        }
    }

    public int Capacity { get; }

    /// <summary>Whether the arena still has a full <see cref="ResponseRoom"/> for the next answer.</summary>
    public bool HasRoom => _arena.Length - _arenaUsed >= ResponseRoom;

    /// <summary>Where the pipeline writes the next answer; <see cref="Queue"/> keeps what it wrote.</summary>
    public Span<byte> ResponseSpace => _arena.AsSpan(_arenaUsed, ResponseRoom);

    /// <summary>
    /// Blocks for the first datagram, then takes whatever else is queued, up to <see cref="Capacity"/>.
    /// Returns the count, or -1 with <paramref name="errno"/> (EBADF once the socket is closed).
    /// </summary>
    public int Receive(out int errno)
    {
        for (var i = 0; i < Capacity; i++)
        {
            ref var message = ref _received[i];
            message.Header.NameLength = NameBytes;
            message.Header.Flags = 0;
            message.Length = 0;
        }

        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var received = LinuxSocketBatch.RecvMmsg((int)_handle.DangerousGetHandle(), _receivedBase, (uint)Capacity, LinuxSocketBatch.MsgWaitForOne, null);
            errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
            return received;
        }
        catch (ObjectDisposedException)
        {
            errno = LinuxSocketBatch.Ebadf;
            return -1;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>The bytes of datagram <paramref name="slot"/> (at most <see cref="SlotBytes"/>).</summary>
    public ReadOnlySpan<byte> Datagram(int slot) => _datagrams.AsSpan(slot * SlotBytes, (int)Math.Min(_received[slot].Length, SlotBytes));

    /// <summary>The sender of datagram <paramref name="slot"/>, in that slot's reused address; null when the kernel gave none that fits.</summary>
    public SocketAddress? Client(int slot)
    {
        var client = _clients[slot];
        var length = (int)_received[slot].Header.NameLength;
        if (length <= 0 || length > client.Buffer.Length)
        {
            return null;
        }

        _names.AsSpan(slot * NameBytes, length).CopyTo(client.Buffer.Span);
        client.Size = length;
        return client;
    }

    /// <summary>Keeps the <paramref name="length"/> bytes just written to <see cref="ResponseSpace"/> as the answer to datagram <paramref name="slot"/>.</summary>
    public void Queue(int slot, int length)
    {
        var vector = _answerVectorsBase + _queued;
        vector->Base = _arenaBase + _arenaUsed;
        vector->Length = (nuint)length;
        ref var header = ref _answers[_queued].Header;
        header.Name = _namesBase + (slot * NameBytes);
        header.NameLength = _received[slot].Header.NameLength;
        header.Iov = vector;
        _queued++;
        _arenaUsed += length;
    }

    /// <summary>
    /// Sends the queued answers with as few <c>sendmmsg</c> calls as the kernel allows: after a partial send
    /// it goes on from the first unsent answer; an answer that fails is skipped. Returns the answers lost.
    /// </summary>
    public int Flush()
    {
        var failed = 0;
        var sent = 0;
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var socket = (int)_handle.DangerousGetHandle();
            while (sent < _queued)
            {
                var count = LinuxSocketBatch.SendMmsg(socket, _answersBase + sent, (uint)(_queued - sent), 0);
                if (count > 0)
                {
                    sent += count;
                    continue;
                }

                var errno = count < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (errno == LinuxSocketBatch.Eintr)
                {
                    continue;
                }

                if (errno is LinuxSocketBatch.Ebadf or LinuxSocketBatch.Enotsock)
                {
                    break;
                }

                // This answer cannot go (e.g. EPERM from a firewall, or no route): skip it, keep the rest.
                failed++;
                sent++;
            }
        }
        catch (ObjectDisposedException)
        {
            // Closed under us: nothing more can be sent.
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }

            failed += _queued - sent;
            _queued = 0;
            _arenaUsed = 0;
        }

        return failed;
    }

    private static T* AddressOf<T>(T[] pinned)
        where T : unmanaged => (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
}
