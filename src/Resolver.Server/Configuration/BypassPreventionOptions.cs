namespace Resolver.Server.Configuration;

/// <summary>Measures that keep clients from taking DNS past the resolver (section <c>Resolver:BypassPrevention</c>).</summary>
public sealed class BypassPreventionOptions
{
    /// <summary>
    /// Answer NXDOMAIN for <c>use-application-dns.net</c>, Firefox's signal to leave DNS over HTTPS off.
    /// On by default; a firewall rule that blocks or allows the name still decides first.
    /// </summary>
    public bool DohCanary { get; set; } = true;
}
