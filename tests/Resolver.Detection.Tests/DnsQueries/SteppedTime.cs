namespace Resolver.Detection.Tests.DnsQueries;

/// <summary>A clock the test moves by hand: wall time and the timestamps the tunnelling state ages by.</summary>
internal sealed class SteppedTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => _now.UtcTicks;

    public void Advance(TimeSpan by) => _now += by;
}
