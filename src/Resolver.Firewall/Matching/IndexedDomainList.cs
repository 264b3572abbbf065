using System.Collections;
using Resolver.Firewall.Domains;

namespace Resolver.Firewall.Matching;

/// <summary>
/// A list's entries read back from the index, so a compiled firewall keeps each name once (in the index)
/// rather than once more per list. Enumerating scans the index: for tooling and the API, not queries.
/// </summary>
internal sealed class IndexedDomainList : IReadOnlyCollection<DomainSpecification>
{
    private readonly DomainIndex _index;
    private readonly int _listIndex;

    public IndexedDomainList(DomainIndex index, int listIndex, int count)
    {
        _index = index;
        _listIndex = listIndex;
        Count = count;
    }

    public int Count { get; }

    public IEnumerator<DomainSpecification> GetEnumerator() => _index.EntriesOf(_listIndex).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
