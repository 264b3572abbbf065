namespace Resolver.Detection.Baseline;

/// <summary>The ways DNS can leave an instance without passing the resolver.</summary>
public enum BypassKind
{
    /// <summary>Plain DNS, UDP or TCP port 53, to a public resolver.</summary>
    Dns,

    /// <summary>DNS over HTTPS: TCP 443 to an address the catalog names as a DoH service.</summary>
    Doh,

    /// <summary>DNS over TLS: TCP 853 to any public address.</summary>
    Dot,
}
