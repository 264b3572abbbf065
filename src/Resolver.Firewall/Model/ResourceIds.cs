using System.IO.Hashing;
using System.Text;

namespace Resolver.Firewall.Model;

/// <summary>
/// AWS-style ids (<c>rslvr-fdl-…</c>, <c>rslvr-frg-…</c>) for resources defined by name in rulesets files,
/// derived from the name so they stay the same across reloads and restarts. The hash need not resist an
/// attacker (names are the operator's own), so it is xxHash rather than SHA-256, which would map OpenSSL.
/// </summary>
public static class ResourceIds
{
    public const string DomainListPrefix = "rslvr-fdl-";

    public const string RuleGroupPrefix = "rslvr-frg-";

    public static string DomainList(string name) => DomainListPrefix + Hash(name);

    public static string RuleGroup(string name) => RuleGroupPrefix + Hash(name);

    private static string Hash(string name) =>
        Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(name)));
}
