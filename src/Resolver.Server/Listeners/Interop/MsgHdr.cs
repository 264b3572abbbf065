namespace Resolver.Server.Listeners.Interop;

/// <summary>
/// Linux <c>struct msghdr</c> as laid out on 64-bit targets (x86-64, arm64): 56 bytes, with padding after
/// <see cref="NameLength"/> and at the end that the natural C# layout reproduces.
/// </summary>
internal unsafe struct MsgHdr
{
    /// <summary>The peer's sockaddr: filled in by a receive, read by a send.</summary>
    public void* Name;

    /// <summary>Size of <see cref="Name"/>'s storage going in; the address's length coming out of a receive.</summary>
    public uint NameLength;

    public IoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;

    /// <summary>Set by a receive: <c>MSG_TRUNC</c> when the datagram was larger than the buffer.</summary>
    public int Flags;
}
