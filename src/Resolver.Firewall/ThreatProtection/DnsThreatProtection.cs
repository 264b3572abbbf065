namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// The advanced protections of DNS Firewall rules (AWS <c>DnsThreatProtection</c>: DGA, DICTIONARY_DGA,
/// DNS_TUNNELING), scored by <see cref="ThreatDetector"/> instead of matched against a domain list.
/// </summary>
public enum DnsThreatProtection
{
    Dga,
    DictionaryDga,
    DnsTunneling,
}
