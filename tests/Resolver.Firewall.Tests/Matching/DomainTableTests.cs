using System.Text;
using Resolver.Firewall.Domains;
using Resolver.Firewall.Matching;

namespace Resolver.Firewall.Tests.Matching;

public sealed class DomainTableTests
{
    [Fact]
    public void Every_name_added_through_growth_and_trim_is_found_again_with_its_pair_and_others_are_not()
    {
        // Started tiny so the table rehashes and the blob regrows many times on the way to 50,000 names.
        var table = new DomainTable(expectedNames: 1);
        var random = new Random(7);
        var entries = new Dictionary<string, int>();
        for (var i = 0; i < 50_000; i++)
        {
            var name = $"{RandomLabel(random)}.{RandomLabel(random)}.example";
            var entry = table.FindOrAdd(Wire(name));
            table.SetPair(entry, i % (1 << 20));
            entries[name] = entry;
        }

        table.Trim();

        Assert.Equal(entries.Count, table.Count);
        foreach (var (name, _) in entries)
        {
            var entry = table.Find(Wire(name));
            Assert.True(entry >= 0, name);
            Assert.Equal(Wire(name)[..^1], table.NameOf(entry).ToArray());
        }

        Assert.Equal(-1, table.Find(Wire("absent.example")));
        Assert.Equal(-1, table.Find(Wire("example")));
        Assert.Equal(entries.Count, table.Entries().Count());
    }

    [Fact]
    public void Adding_a_name_twice_gives_the_same_entry_and_the_root_is_a_name_like_any_other()
    {
        var table = new DomainTable(expectedNames: 4);
        var first = table.FindOrAdd(Wire("a.example"));
        var root = table.FindOrAdd([0]);

        Assert.Equal(first, table.FindOrAdd(Wire("a.example")));
        Assert.Equal(root, table.Find([0]));
        Assert.Equal(2, table.Count);
        Assert.Equal(0, table.NameOf(root).Length);
    }

    [Fact]
    public void Pair_ids_keep_all_24_bits()
    {
        var table = new DomainTable(expectedNames: 4);
        var entry = table.FindOrAdd(Wire("a.example"));

        table.SetPair(entry, DomainTable.MaxPairId);

        Assert.Equal(DomainTable.MaxPairId, table.PairOf(entry));
        Assert.Equal(0, table.PairOf(table.FindOrAdd(Wire("b.example"))));
    }

    [Fact]
    public void The_index_reports_exact_and_wildcard_sets_of_names_shared_between_lists()
    {
        var builder = new DomainIndexBuilder(expectedNames: 1);
        builder.Add(new DomainSpecification("shared.example", IsWildcard: false), 0);
        builder.Add(new DomainSpecification("shared.example", IsWildcard: true), 1);
        builder.Add(new DomainSpecification("shared.example", IsWildcard: false), 2);
        var index = builder.Build();

        Span<int> sets = stackalloc int[DomainIndex.MaxMatchedSets];
        var exact = index.Match(Wire("shared.example"), sets);
        Assert.Equal(1, exact);
        Assert.Equal([0, 2], index.ListsOf(sets[0]).ToArray());

        var below = index.Match(Wire("www.shared.example"), sets);
        Assert.Equal(1, below);
        Assert.Equal([1], index.ListsOf(sets[0]).ToArray());

        Assert.Equal(["shared.example"], index.EntriesOf(2).Select(e => e.Name));
        Assert.True(Assert.Single(index.EntriesOf(1)).IsWildcard);
    }

    private static string RandomLabel(Random random)
    {
        var length = random.Next(1, 20);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append((char)('a' + random.Next(26)));
        }

        return text.ToString();
    }

    private static byte[] Wire(string name)
    {
        var buffer = new byte[256];
        return buffer[..DomainIndexBuilder.Encode(name, buffer)];
    }
}
