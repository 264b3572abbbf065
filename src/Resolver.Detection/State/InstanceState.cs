namespace Resolver.Detection.State;

internal sealed class InstanceState
{
    public string Instance { get; set; } = "";

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public List<RemoteState> Remotes { get; set; } = [];
}
