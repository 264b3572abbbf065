using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// DNS_TUNNELING: per parent domain (the registrable domain), how many distinct subdomains it was asked
/// for lately, how many of them were long or looked like encoded data, and how many queries were of the
/// types tunnels favour (TXT, NULL, CNAME, MX).
/// </summary>
/// <remarks>
/// State lives in one array of fixed-size slots allocated up front; it never grows. A parent hashes to two
/// candidate slots and takes the one it already owns, else an empty one, else the one idle longest (or with
/// fewer queries): a busy tunnel is not pushed out by one-off parents. Distinct subdomains are counted by
/// linear counting on a 512-bit bitmap per slot (exact enough up to about 2,000 a window). Counts decay by
/// halving at each window boundary, and the previous window's distinct count fades linearly across the next.
/// <para>
/// Concurrent callers update slots without locks. Updates can be lost or mixed between two parents that
/// race for one slot; every figure read back is clamped to its range, so a torn slot yields a wrong but
/// valid confidence, never an exception.
/// </para>
/// </remarks>
internal sealed class TunnelingDetector
{
    private const int BitmapBits = 512;

    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly long _window;
    private readonly TimeProvider _time;
    private readonly TunnelingOptions _options;
    private readonly double _highShare;

    public TunnelingDetector(TunnelingOptions options, TimeProvider time)
    {
        options.Validate();
        _options = options;
        _time = time;
        var slots = 16;
        while (slots < options.Slots)
        {
            slots <<= 1;
        }

        _slots = new Slot[slots];
        _mask = slots - 1;
        _window = Math.Max(1, (long)(options.Window.TotalSeconds * time.TimestampFrequency));
        _highShare = Math.Min(0.9, options.EncodedShare * 2);
    }

    /// <summary>The number of slots: fixed for the detector's lifetime.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>The memory of the state: slot count times slot size, fixed for the detector's lifetime.</summary>
    public static int SlotBytes => Unsafe.SizeOf<Slot>();

    public ThreatConfidence Record(ReadOnlySpan<byte> name, int registrableOffset, ushort qtype)
    {
        if (registrableOffset < 0)
        {
            return ThreatConfidence.None;
        }

        var parent = name[registrableOffset..];
        var subdomain = name[..registrableOffset];
        var key = XxHash3.HashToUInt64(parent) | 1;
        var now = _time.GetTimestamp();
        ref var slot = ref Claim(key, now);

        // Roll the window: halve the counts, keep the distinct estimate to fade out across the next window.
        var elapsed = now - slot.WindowStart;
        if (elapsed >= _window)
        {
            slot.PreviousDistinct = elapsed >= 2 * _window ? 0 : Distinct(ref slot);
            ((Span<ulong>)slot.Bits).Clear();
            slot.Queries >>= 1;
            slot.Encoded >>= 1;
            slot.TunnelTypes >>= 1;
            slot.WindowStart = now;
            elapsed = 0;
        }

        var encoded = LooksEncoded(subdomain, out var length);
        var bit = (int)(XxHash3.HashToUInt64(subdomain) % BitmapBits);
        slot.Bits[bit >> 6] |= 1UL << (bit & 63);
        slot.Queries = Saturate(slot.Queries);
        if (encoded)
        {
            slot.Encoded = Saturate(slot.Encoded);
        }

        if (qtype is 16 or 10 or 5 or 15)
        {
            slot.TunnelTypes = Saturate(slot.TunnelTypes);
        }

        var fade = 1.0 - Math.Clamp((double)elapsed / _window, 0, 1);
        var distinct = Distinct(ref slot) + (Math.Clamp(slot.PreviousDistinct, 0, BitmapBits * 8) * fade);
        var queries = Math.Max(1, slot.Queries);
        var encodedShare = Math.Clamp((double)slot.Encoded / queries, 0, 1);
        var typeShare = Math.Clamp((double)slot.TunnelTypes / queries, 0, 1);

        // A short plain subdomain of a tunnelling parent is not itself data: at most LOW.
        var current = encoded || length >= _options.LongSubdomain;
        var options = _options;
        if (distinct >= options.HighDistinct && encodedShare >= _highShare && current)
        {
            return ThreatConfidence.High;
        }

        // Tunnels favour TXT and NULL answers: a parent mostly asked for those needs fewer distinct names.
        if (current && (distinct >= options.MediumDistinct || (typeShare >= 0.5 && distinct >= options.LowDistinct)) && encodedShare >= options.EncodedShare)
        {
            return typeShare >= 0.5 && distinct >= options.HighDistinct ? ThreatConfidence.High : ThreatConfidence.Medium;
        }

        return distinct >= options.LowDistinct && encodedShare >= options.EncodedShare / 2 ? ThreatConfidence.Low : ThreatConfidence.None;
    }

    private static int Saturate(int count) => count == int.MaxValue ? count : count + 1;

    private static double Distinct(ref Slot slot)
    {
        var set = 0;
        foreach (var word in (ReadOnlySpan<ulong>)slot.Bits)
        {
            set += System.Numerics.BitOperations.PopCount(word);
        }

        // Linear counting: n = -m ln(empty share); a full bitmap reads as the most it can tell apart.
        var empty = BitmapBits - set;
        return empty == 0 ? BitmapBits * Math.Log(BitmapBits) : -BitmapBits * Math.Log((double)empty / BitmapBits);
    }

    /// <summary>Whether the subdomain part (labels before the parent) looks like encoded data: long, or random enough.</summary>
    private bool LooksEncoded(ReadOnlySpan<byte> subdomain, out int length)
    {
        // Characters folded to 40 symbols (letters, digits, '-', '_', anything else): exact for the
        // base32, base36 and hex alphabets tunnels use, and a 40-entry histogram is cheap to clear and sum.
        Span<byte> counts = stackalloc byte[40];
        counts.Clear();
        length = 0;
        for (var i = 0; i < subdomain.Length;)
        {
            var labelLength = subdomain[i++];
            var end = Math.Min(subdomain.Length, i + labelLength);
            for (; i < end; i++)
            {
                var c = subdomain[i];
                var symbol = c switch
                {
                    >= (byte)'a' and <= (byte)'z' => c - 'a',
                    >= (byte)'0' and <= (byte)'9' => c - '0' + 26,
                    (byte)'-' => 36,
                    (byte)'_' => 37,
                    _ => 38,
                };
                counts[symbol] = (byte)Math.Min(255, counts[symbol] + 1);
                length++;
            }
        }

        if (length < 16)
        {
            return false;
        }

        if (length >= _options.LongSubdomain * 2)
        {
            return true;
        }

        // H = log2(n) - sum(c log2 c) / n.
        var sum = 0.0;
        foreach (var count in counts)
        {
            if (count > 1)
            {
                sum += count * Math.Log2(count);
            }
        }

        return Math.Log2(length) - (sum / length) >= _options.HighEntropyBits;
    }

    private ref Slot Claim(ulong key, long now)
    {
        var first = (int)key & _mask;
        var second = (int)(key >> 40) & _mask;
        if (second == first)
        {
            second ^= 1;
        }

        ref var a = ref _slots[first];
        if (a.Key == key)
        {
            return ref a;
        }

        ref var b = ref _slots[second];
        if (b.Key == key)
        {
            return ref b;
        }

        ref var victim = ref (a.Key == 0 || (b.Key != 0 && Older(ref a, ref b, now))) ? ref a : ref b;
        victim = default;
        victim.Key = key;
        victim.WindowStart = now;
        return ref victim;
    }

    /// <summary>Whether <paramref name="a"/> is the better slot to overwrite: idle for a window, or fewer queries.</summary>
    private bool Older(ref Slot a, ref Slot b, long now)
    {
        var aIdle = now - a.WindowStart >= _window;
        var bIdle = now - b.WindowStart >= _window;
        return aIdle != bIdle ? aIdle : a.Queries <= b.Queries;
    }

    [InlineArray(BitmapBits / 64)]
    private struct Bitmap
    {
        private ulong _word;
    }

    private struct Slot
    {
        public ulong Key;
        public long WindowStart;
        public int Queries;
        public int Encoded;
        public int TunnelTypes;
        public double PreviousDistinct;
        public Bitmap Bits;
    }
}
