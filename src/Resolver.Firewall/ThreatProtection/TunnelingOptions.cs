namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// Settings of the DNS_TUNNELING detector. The defaults flag a tunnel of a few hundred encoded
/// subdomains of one parent within seconds and leave CDN and cloud traffic alone.
/// </summary>
public sealed class TunnelingOptions
{
    /// <summary>Parents tracked at once (rounded up to a power of two); 104 bytes each, allocated once.</summary>
    public int Slots { get; init; } = 8192;

    /// <summary>The window over which distinct subdomains are counted; older counts fade out over one more window.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Distinct subdomains of one parent within a window for LOW, MEDIUM and HIGH.</summary>
    public int LowDistinct { get; init; } = 30;

    public int MediumDistinct { get; init; } = 80;

    public int HighDistinct { get; init; } = 200;

    /// <summary>Characters of the subdomain part (dots excluded) from which it counts as long.</summary>
    public int LongSubdomain { get; init; } = 24;

    /// <summary>Bits per character from which a subdomain of 16 or more characters counts as encoded data.</summary>
    public double HighEntropyBits { get; init; } = 3.5;

    /// <summary>Share of a parent's queries that must be long or high-entropy for MEDIUM (twice that, capped at 0.9, for HIGH).</summary>
    public double EncodedShare { get; init; } = 0.4;

    internal void Validate()
    {
        if (Slots is < 16 or > (1 << 24))
        {
            throw new ArgumentOutOfRangeException(nameof(Slots), Slots, "between 16 and 16,777,216");
        }

        if (Window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, "must be positive");
        }

        if (LowDistinct < 1 || MediumDistinct < LowDistinct || HighDistinct < MediumDistinct || HighDistinct > 2000)
        {
            throw new ArgumentOutOfRangeException(nameof(HighDistinct), HighDistinct, "need 1 <= LowDistinct <= MediumDistinct <= HighDistinct <= 2000");
        }

        if (LongSubdomain < 1 || HighEntropyBits <= 0 || EncodedShare is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EncodedShare), EncodedShare, "LongSubdomain, HighEntropyBits and EncodedShare must be positive, EncodedShare at most 1");
        }
    }
}
