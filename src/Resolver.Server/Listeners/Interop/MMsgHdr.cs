namespace Resolver.Server.Listeners.Interop;

/// <summary>Linux <c>struct mmsghdr</c> (64 bytes on 64-bit): one message of a <c>recvmmsg</c>/<c>sendmmsg</c> vector.</summary>
internal struct MMsgHdr
{
    public MsgHdr Header;

    /// <summary>Bytes received into, or sent from, this message.</summary>
    public uint Length;
}
