using Resolver.Firewall.Model;

namespace Resolver.Server.Firewall;

/// <summary>A rule group associated with a network (AWS: a VPC) through the API.</summary>
public sealed record OverlayAssociation(string NetworkName, RuleGroupAssociation Association);
