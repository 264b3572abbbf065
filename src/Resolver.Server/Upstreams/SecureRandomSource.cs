using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Resolver.Server.Upstreams;

/// <summary>
/// Unpredictable 16-bit IDs and socket choices (RFC 5452: an off-path attacker must not guess them),
/// drawn from the OS CSPRNG in per-thread batches so the per-query cost is a few nanoseconds. On Linux the
/// batches are read from the kernel's generator (<c>/dev/urandom</c>) directly: going through
/// <see cref="RandomNumberGenerator"/> there would map OpenSSL (about 5 MB resident) only for this.
/// </summary>
internal static class SecureRandomSource
{
    private const int BatchSize = 4096;

    private static readonly Microsoft.Win32.SafeHandles.SafeFileHandle? KernelGenerator = OpenKernelGenerator();

    [ThreadStatic]
    private static byte[]? t_batch;

    [ThreadStatic]
    private static int t_remaining;

    public static ushort NextUInt16()
    {
        var batch = t_batch ??= new byte[BatchSize];
        if (t_remaining < 2)
        {
            Fill(batch);
            t_remaining = BatchSize;
        }

        t_remaining -= 2;
        return BinaryPrimitives.ReadUInt16LittleEndian(batch.AsSpan(t_remaining));
    }

    private static void Fill(byte[] batch)
    {
        if (KernelGenerator is null)
        {
            RandomNumberGenerator.Fill(batch);
            return;
        }

        // The kernel's generator never returns short reads below 256 bytes, but a signal may cut larger ones.
        for (var filled = 0; filled < batch.Length;)
        {
            filled += RandomAccess.Read(KernelGenerator, batch.AsSpan(filled), 0);
        }
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle? OpenKernelGenerator()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return File.OpenHandle("/dev/urandom", FileMode.Open, FileAccess.Read);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A number in [0, <paramref name="exclusiveMax"/>); the modulo bias is irrelevant for small bounds.</summary>
    public static int Next(int exclusiveMax) => exclusiveMax <= 1 ? 0 : NextUInt16() % exclusiveMax;
}
