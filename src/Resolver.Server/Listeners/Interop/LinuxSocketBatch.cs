using System.Runtime.InteropServices;

namespace Resolver.Server.Listeners.Interop;

/// <summary>
/// <c>recvmmsg</c>/<c>sendmmsg</c> from glibc: several datagrams per system call. The errno values are
/// the generic Linux ones, the same on x86-64 and arm64.
/// </summary>
internal static unsafe partial class LinuxSocketBatch
{
    /// <summary>Wait for the first datagram only, then take what is already queued.</summary>
    public const int MsgWaitForOne = 0x10000;

    public const int Eintr = 4;
    public const int Ebadf = 9;
    public const int Eagain = 11;
    public const int Enotsock = 88;
    public const int Econnrefused = 111;

    /// <summary>Receives up to <paramref name="length"/> datagrams; returns how many, or -1 and errno.</summary>
    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(int socket, MMsgHdr* messages, uint length, int flags, void* timeout);

    /// <summary>Sends up to <paramref name="length"/> datagrams; returns how many went, or -1 and errno when the first failed.</summary>
    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(int socket, MMsgHdr* messages, uint length, int flags);
}
