namespace Resolver.Firewall.Model;

/// <summary>What a matching rule does (AWS <c>Action</c>).</summary>
public enum FirewallAction
{
    Allow,
    Alert,
    Block,
}
