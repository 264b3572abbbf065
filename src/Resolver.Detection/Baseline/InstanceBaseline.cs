namespace Resolver.Detection.Baseline;

/// <summary>What one instance (network interface, else address) has been seen to use.</summary>
public sealed class InstanceBaseline
{
    public InstanceBaseline(string key, DateTimeOffset firstSeen)
    {
        Key = key;
        FirstSeen = firstSeen;
        LastSeen = firstSeen;
    }

    /// <summary>The interface id, else the instance's address.</summary>
    public string Key { get; }

    /// <summary>When the detector first saw the instance: its learning period starts here.</summary>
    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    /// <summary>Remote servers by kind and address (the address in its canonical text form).</summary>
    public Dictionary<(BypassKind Kind, string Address), RemoteUse> Remotes { get; } = [];
}
