namespace Resolver.Detection.Tests.DnsQueries;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class SteppedTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
