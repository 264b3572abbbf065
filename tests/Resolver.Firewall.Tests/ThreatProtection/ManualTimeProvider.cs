namespace Resolver.Firewall.Tests.ThreatProtection;

/// <summary>A clock the test moves by hand, in milliseconds.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _milliseconds = 1_000_000;

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => Interlocked.Read(ref _milliseconds);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _milliseconds, (long)by.TotalMilliseconds);
}
