namespace Resolver.Detection.Baseline;

/// <summary>
/// The learned pattern: per instance, which resolvers, DoH and DoT servers it used and when last. Time is the
/// flow records' time (<see cref="Clock"/> is the latest seen), so replaying old logs gives the same answers
/// as reading them live. Bounded by <see cref="Prune"/>: what is older than the window is forgotten.
/// </summary>
public sealed class ResolverBaseline
{
    private readonly Dictionary<string, InstanceBaseline> _instances = new(StringComparer.Ordinal);

    public ResolverBaseline(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        Window = window;
    }

    public TimeSpan Window { get; }

    /// <summary>The latest record time seen; null before the first record.</summary>
    public DateTimeOffset? Clock { get; set; }

    public IReadOnlyCollection<InstanceBaseline> Instances => _instances.Values;

    public int RemoteCount => _instances.Values.Sum(instance => instance.Remotes.Count);

    /// <summary>The instance seen at <paramref name="at"/>; the first sight starts its learning period.</summary>
    public InstanceBaseline Touch(string key, DateTimeOffset at)
    {
        if (Clock is null || at > Clock)
        {
            Clock = at;
        }

        if (!_instances.TryGetValue(key, out var instance))
        {
            instance = new InstanceBaseline(key, at);
            _instances.Add(key, instance);
        }
        else if (at > instance.LastSeen)
        {
            instance.LastSeen = at;
        }
        else if (at < instance.FirstSeen)
        {
            // Records arrive slightly out of order across files: the earliest sight starts the learning.
            instance.FirstSeen = at;
        }

        return instance;
    }

    public bool IsLearning(InstanceBaseline instance, DateTimeOffset at) => at - instance.FirstSeen < Window;

    /// <summary>Whether the instance used the remote this way within the window before <paramref name="at"/>.</summary>
    public bool IsKnown(RemoteUse? use, DateTimeOffset at) => use is not null && at - use.LastSeen <= Window;

    /// <summary>Adds an instance as saved in the state file.</summary>
    public void Restore(InstanceBaseline instance) => _instances[instance.Key] = instance;

    /// <summary>
    /// Forgets uses not seen for longer than the window before the clock, and instances not seen for that long
    /// (one that comes back learns again). Returns how many uses were dropped.
    /// </summary>
    public int Prune()
    {
        if (Clock is not { } now)
        {
            return 0;
        }

        var horizon = now - Window;
        var dropped = 0;
        foreach (var instance in _instances.Values.ToList())
        {
            foreach (var (key, use) in instance.Remotes.ToList())
            {
                if (use.LastSeen < horizon)
                {
                    instance.Remotes.Remove(key);
                    dropped++;
                }
            }

            if (instance.LastSeen < horizon)
            {
                dropped += instance.Remotes.Count;
                _instances.Remove(instance.Key);
            }
        }

        return dropped;
    }
}
