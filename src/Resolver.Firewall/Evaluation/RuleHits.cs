namespace Resolver.Firewall.Evaluation;

/// <summary>How many queries a rule decided; shared by the rule's copies in every network and across reloads.</summary>
public sealed class RuleHits
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
