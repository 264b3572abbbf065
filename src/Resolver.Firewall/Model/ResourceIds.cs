using System.Security.Cryptography;
using System.Text;

namespace Resolver.Firewall.Model;

/// <summary>
/// AWS-style ids (<c>rslvr-fdl-…</c>, <c>rslvr-frg-…</c>) for resources defined by name in rulesets files,
/// derived from the name so they stay the same across reloads and restarts.
/// </summary>
public static class ResourceIds
{
    public const string DomainListPrefix = "rslvr-fdl-";

    public const string RuleGroupPrefix = "rslvr-frg-";

    public static string DomainList(string name) => DomainListPrefix + Hash(name);

    public static string RuleGroup(string name) => RuleGroupPrefix + Hash(name);

    private static string Hash(string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 8);
}
