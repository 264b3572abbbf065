using System.Collections;
using System.Text;

namespace Resolver.Firewall.Domains;

/// <summary>
/// Domain specifications kept compactly while a list loads: the normalised names' ASCII bytes in one
/// blob, an offset each and a wildcard flag each; no string per name. A list of a million names costs
/// about 30 MB here instead of about 80 MB as strings. Reading an item makes a string (tooling only).
/// </summary>
public sealed class DomainSet : IReadOnlyList<DomainSpecification>
{
    private byte[] _names;
    private int _namesLength;
    private int[] _ends;
    private bool[] _wildcards;

    public DomainSet(int capacity = 16)
    {
        capacity = Math.Max(capacity, 1);
        _names = new byte[capacity * 24];
        _ends = new int[capacity];
        _wildcards = new bool[capacity];
    }

    public int Count { get; private set; }

    public DomainSpecification this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return new DomainSpecification(Encoding.ASCII.GetString(NameBytes(index)), _wildcards[index]);
        }
    }

    /// <summary>The normalised name (lower-case ASCII, no trailing dot, empty for <c>*</c>) of an item.</summary>
    public ReadOnlySpan<byte> NameBytes(int index)
    {
        var start = index == 0 ? 0 : _ends[index - 1];
        return _names.AsSpan(start, _ends[index] - start);
    }

    public bool IsWildcard(int index) => _wildcards[index];

    public void Add(DomainSpecification specification)
    {
        Span<byte> bytes = stackalloc byte[DomainSpecification.MaxLength];
        var length = Encoding.ASCII.GetBytes(specification.Name, bytes);
        Add(bytes[..length], specification.IsWildcard);
    }

    /// <summary>Adds a name already normalised (lower-case ASCII, no trailing dot).</summary>
    public void Add(ReadOnlySpan<byte> normalizedName, bool wildcard)
    {
        if (Count == _ends.Length)
        {
            Array.Resize(ref _ends, Count * 2);
            Array.Resize(ref _wildcards, Count * 2);
        }

        if (_namesLength + normalizedName.Length > _names.Length)
        {
            Array.Resize(ref _names, Math.Max(_names.Length * 2, _namesLength + normalizedName.Length));
        }

        normalizedName.CopyTo(_names.AsSpan(_namesLength));
        _namesLength += normalizedName.Length;
        _ends[Count] = _namesLength;
        _wildcards[Count] = wildcard;
        Count++;
    }

    public IEnumerator<DomainSpecification> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
