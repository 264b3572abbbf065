namespace Resolver.Fuzz.Targets;

/// <summary>Folds facts about one execution into a signature (FNV-1a over 64-bit values).</summary>
public struct Outcome
{
    private ulong _hash;

    public Outcome()
    {
        _hash = 14695981039346656037UL;
    }

    public readonly ulong Value => _hash;

    public void Add(long fact)
    {
        _hash ^= unchecked((ulong)fact);
        _hash *= 1099511628211UL;
    }

    public void Add(bool fact) => Add(fact ? 1 : 0);

    public void Add(string? fact)
    {
        if (fact is null)
        {
            Add(-1);
            return;
        }

        foreach (var c in fact)
        {
            Add(c);
        }
    }
}
