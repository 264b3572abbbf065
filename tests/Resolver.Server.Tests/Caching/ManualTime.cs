namespace Resolver.Server.Tests.Caching;

/// <summary>A clock the test moves by hand, so TTL ageing is checked without waiting.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _ticks = 1_000_000;

    public override long TimestampFrequency => 1_000;

    public override long GetTimestamp() => _ticks;

    public void Advance(TimeSpan by) => _ticks += (long)(by.TotalSeconds * TimestampFrequency);
}
