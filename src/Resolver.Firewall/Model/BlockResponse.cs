namespace Resolver.Firewall.Model;

/// <summary>How a BLOCK rule answers (AWS <c>BlockResponse</c>).</summary>
public enum BlockResponse
{
    NoData,
    NxDomain,
    Override,
}
