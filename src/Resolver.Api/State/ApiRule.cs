namespace Resolver.Api.State;

/// <summary>A rule made through the API, with the members of AWS <c>FirewallRule</c> as given.</summary>
public sealed class ApiRule
{
    /// <summary>The rule's domain list; null for a DNS Firewall Advanced rule.</summary>
    public string? FirewallDomainListId { get; set; }

    /// <summary>The id of a DNS Firewall Advanced rule (AWS <c>FirewallThreatProtectionId</c>); null for a list rule.</summary>
    public string? FirewallThreatProtectionId { get; set; }

    /// <summary>DGA, DICTIONARY_DGA or DNS_TUNNELING for a DNS Firewall Advanced rule.</summary>
    public string? DnsThreatProtection { get; set; }

    /// <summary>LOW, MEDIUM or HIGH for a DNS Firewall Advanced rule.</summary>
    public string? ConfidenceThreshold { get; set; }

    public required string Name { get; set; }

    public int Priority { get; set; }

    public required string Action { get; set; }

    public string? BlockResponse { get; set; }

    public string? BlockOverrideDomain { get; set; }

    public string? BlockOverrideDnsType { get; set; }

    public int? BlockOverrideTtl { get; set; }

    public string? Qtype { get; set; }

    public string? FirewallDomainRedirectionAction { get; set; }

    public required string CreatorRequestId { get; init; }

    public DateTime CreationTime { get; init; }

    public DateTime ModificationTime { get; set; }
}
