using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Resolver.Server.Upstreams;

/// <summary>
/// Unpredictable 16-bit IDs and socket choices (RFC 5452: an off-path attacker must not guess them),
/// drawn from the OS CSPRNG in per-thread batches so the per-query cost is a few nanoseconds.
/// </summary>
internal static class SecureRandomSource
{
    private const int BatchSize = 4096;

    [ThreadStatic]
    private static byte[]? t_batch;

    [ThreadStatic]
    private static int t_remaining;

    public static ushort NextUInt16()
    {
        var batch = t_batch ??= new byte[BatchSize];
        if (t_remaining < 2)
        {
            RandomNumberGenerator.Fill(batch);
            t_remaining = BatchSize;
        }

        t_remaining -= 2;
        return BinaryPrimitives.ReadUInt16LittleEndian(batch.AsSpan(t_remaining));
    }

    /// <summary>A number in [0, <paramref name="exclusiveMax"/>); the modulo bias is irrelevant for small bounds.</summary>
    public static int Next(int exclusiveMax) => exclusiveMax <= 1 ? 0 : NextUInt16() % exclusiveMax;
}
