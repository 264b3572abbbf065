namespace Resolver.Firewall.Model;

/// <summary>Whether the names of a CNAME/DNAME chain are inspected too (AWS <c>FirewallDomainRedirectionAction</c>).</summary>
public enum RedirectionAction
{
    InspectRedirectionDomain,
    TrustRedirectionDomain,
}
