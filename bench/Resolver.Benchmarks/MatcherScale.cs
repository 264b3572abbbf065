using System.Diagnostics;
using System.Globalization;
using System.Net;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Evaluation;
using Resolver.Firewall.Model;
using Resolver.Firewall.Rulesets;

namespace Resolver.Benchmarks;

/// <summary>
/// The firewall at scale: a one-million-name list plus 99 small lists, one rule each (100 rules). Used by
/// <see cref="MatcherBenchmarks"/> and by the <c>--matcher-scale</c> measurement of load time and heap.
/// </summary>
public static class MatcherScale
{
    public const int BulkNames = 1_000_000;

    public const int Rules = 100;

    /// <summary>The bulk list as a hosts-format file, the way feeds ship.</summary>
    public static string BulkListText()
    {
        var text = new System.Text.StringBuilder(BulkNames * 40);
        for (var i = 0; i < BulkNames; i++)
        {
            text.Append("0.0.0.0 host").Append(i.ToString(CultureInfo.InvariantCulture)).Append(".zone").Append((i % 5000).ToString(CultureInfo.InvariantCulture)).Append(".example\n");
        }

        return text.ToString();
    }

    public static CompiledFirewall Build(string bulkText)
    {
        var diagnostics = new List<RulesetDiagnostic>();
        var lists = new List<DomainList>
        {
            new("bulk", DomainListParser.Parse(new StringReader(bulkText), DomainListFormat.Auto, "bulk.txt", diagnostics)),
        };
        var rules = new List<FirewallRule> { new("bulk", 1, "bulk", FirewallAction.Block) { BlockResponse = BlockResponse.NxDomain } };
        for (var i = 1; i < Rules; i++)
        {
            var name = "small" + i.ToString(CultureInfo.InvariantCulture);
            var domains = new List<DomainSpecification>();
            for (var j = 0; j < 10; j++)
            {
                if (DomainSpecification.TryParse($"*.s{j}.{name}.example", out var spec, out var error))
                {
                    domains.Add(spec);
                }
                else
                {
                    throw new InvalidOperationException(error);
                }
            }

            lists.Add(new DomainList(name, domains));
            rules.Add(new FirewallRule(name, i + 1, name, i % 2 == 0 ? FirewallAction.Alert : FirewallAction.Block) { BlockResponse = i % 2 == 0 ? null : BlockResponse.NoData });
        }

        var network = new FirewallNetwork("default", [], [new RuleGroupAssociation("all", 100)]);
        return CompiledFirewall.Compile(new FirewallDefinition(lists, [new RuleGroup("all", rules)], [network]));
    }

    /// <summary>Prints load time and retained managed heap of the 1M-name firewall.</summary>
    public static void Measure()
    {
        var text = BulkListText();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        var firewall = Build(text);
        var loadTime = watch.Elapsed;
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var verdict = firewall.Evaluate(IPAddress.Loopback, "host999999.zone4999.example", 1);
        GC.KeepAlive(firewall);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"names indexed:     {firewall.IndexedNames:N0} ({Rules} rules)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load (parse+index): {loadTime.TotalMilliseconds:N0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"retained heap:     {(heapAfter - heapBefore) / 1024.0 / 1024.0:N1} MiB"));
        Console.WriteLine($"check:             host999999.zone4999.example -> {verdict.Rule?.Rule.Name ?? "no match"}");
    }
}
