using System.Net;

namespace Resolver.Server.Configuration;

/// <summary>The listen and upstream addresses after parsing and defaults, fixed at start.</summary>
public sealed class ResolvedServerEndpoints
{
    public ResolvedServerEndpoints(IReadOnlyList<IPEndPoint> listen, IReadOnlyList<IPEndPoint> upstreams)
    {
        Listen = listen;
        Upstreams = upstreams;
    }

    public IReadOnlyList<IPEndPoint> Listen { get; }

    public IReadOnlyList<IPEndPoint> Upstreams { get; }
}
