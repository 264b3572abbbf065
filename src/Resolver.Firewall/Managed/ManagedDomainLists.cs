using Resolver.Firewall.Domains;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;

namespace Resolver.Firewall.Managed;

/// <summary>
/// The AWS managed domain lists, available by their AWS names in every configuration. Their files ship
/// in <c>rulesets/managed/</c> and are embedded in the binary, so they work without the folder.
/// </summary>
public static class ManagedDomainLists
{
    public const string OwnerName = "Route 53 Resolver DNS Firewall";

    private static readonly Lazy<IReadOnlyList<DomainList>> Lists = new(LoadEmbedded);

    public static IReadOnlyList<DomainList> All => Lists.Value;

    private static List<DomainList> LoadEmbedded()
    {
        var assembly = typeof(ManagedDomainLists).Assembly;
        var lists = new List<DomainList>();
        foreach (var resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            if (!resource.StartsWith("managed/", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            var diagnostics = new List<RulesetDiagnostic>();
            var domains = DomainListParser.Parse(new StringReader(text), DomainListFormat.Plain, resource, diagnostics);
            if (diagnostics.Count > 0)
            {
                throw new InvalidDataException($"embedded managed list is invalid: {diagnostics[0]}");
            }

            lists.Add(new DomainList(Path.GetFileNameWithoutExtension(resource), domains)
            {
                ManagedOwnerName = OwnerName,
                Description = HeaderValue(text, "# description: "),
                Source = string.Join("; ", HeaderValues(text, "# source: ")),
            });
        }

        return lists;
    }

    private static string? HeaderValue(string text, string prefix) => HeaderValues(text, prefix).FirstOrDefault();

    private static IEnumerable<string> HeaderValues(string text, string prefix)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return line[prefix.Length..].Trim();
            }
        }
    }
}
