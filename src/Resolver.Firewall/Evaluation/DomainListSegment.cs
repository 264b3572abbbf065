using Resolver.Firewall.Domains;
using Resolver.Firewall.Matching;
using Resolver.Firewall.Model;

namespace Resolver.Firewall.Evaluation;

/// <summary>
/// Domain lists indexed together. A firewall is compiled from one or more segments, so a change to one
/// source (the management API's lists) re-indexes only that source and reuses the others (a
/// million-name rulesets file takes a second to index; an API change must be live sooner).
/// </summary>
public sealed class DomainListSegment
{
    private DomainListSegment(IReadOnlyList<DomainList> lists, DomainIndex index)
    {
        Lists = lists;
        Index = index;
    }

    public static DomainListSegment Empty { get; } = Build([]);

    /// <summary>The lists with their entries read back from the index (the only copy of the names).</summary>
    public IReadOnlyList<DomainList> Lists { get; }

    public int IndexedNames => Index.Count;

    internal DomainIndex Index { get; }

    public static DomainListSegment Build(IReadOnlyList<DomainList> lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var expected = 0;
        foreach (var list in lists)
        {
            expected += list.Domains.Count;
        }

        var builder = new DomainIndexBuilder(expected);
        for (var i = 0; i < lists.Count; i++)
        {
            var list = lists[i];
            if (list.Domains is DomainSet compact)
            {
                builder.AddAll(compact, i);
            }
            else
            {
                foreach (var domain in list.Domains)
                {
                    builder.Add(domain, i);
                }
            }
        }

        var index = builder.Build();
        var indexed = new List<DomainList>(lists.Count);
        for (var i = 0; i < lists.Count; i++)
        {
            indexed.Add(lists[i] with { Domains = new IndexedDomainList(index, i, index.CountOf(i)) });
        }

        // The lists as given are not kept: a parsed million-name list holds its own copy of the names
        // (34 MB), which the index has made redundant.
        return new DomainListSegment(indexed, index);
    }
}
