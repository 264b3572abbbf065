namespace Resolver.Firewall.BypassPrevention;

/// <summary>
/// Firefox's canary domain <c>use-application-dns.net</c>: when a network's resolver answers it with
/// NXDOMAIN (or no address), Firefox keeps DNS on that resolver instead of switching itself to DNS over
/// HTTPS, so the firewall and the query log keep seeing its queries.
/// See https://support.mozilla.org/kb/canary-domain-use-application-dnsnet.
/// </summary>
public static class DohCanaryDomain
{
    public const string Name = "use-application-dns.net";

    private static ReadOnlySpan<byte> WireName => "\u0013use-application-dns\u0003net\0"u8;

    /// <summary>True for the canary name itself (lower-case wire form); Firefox asks only for it, not below it.</summary>
    public static bool Matches(ReadOnlySpan<byte> lowerWireName) => lowerWireName.SequenceEqual(WireName);
}
