namespace Resolver.Firewall.ThreatProtection;

/// <summary>
/// Scores queries for the advanced DNS Firewall protections (DGA, DICTIONARY_DGA, DNS_TUNNELING). One
/// instance serves every network and thread: the lexical models are read-only, and the tunnelling state is
/// a fixed-size table updated without locks. Scoring allocates nothing.
/// </summary>
public sealed class ThreatDetector
{
    private readonly PublicSuffixList _suffixes;
    private readonly DgaScorer _dga;
    private readonly DictionaryDgaScorer _dictionaryDga;
    private readonly TunnelingDetector _tunneling;

    public ThreatDetector(PublicSuffixList suffixes, TunnelingOptions? tunneling = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(suffixes);
        _suffixes = suffixes;
        var model = ThreatModel.Shared;
        _dga = new DgaScorer(model);
        _dictionaryDga = new DictionaryDgaScorer(model);
        _tunneling = new TunnelingDetector(tunneling ?? new TunnelingOptions(), time ?? TimeProvider.System);
    }

    /// <summary>The slots of the tunnelling state: fixed when the detector is made.</summary>
    internal int TunnelingSlots => _tunneling.SlotCount;

    /// <summary>
    /// The confidence that the query name is a threat of that kind (None when not suspicious). Tunnelling
    /// also records the query in its per-parent state, so call it once per query.
    /// </summary>
    public ThreatConfidence Score(DnsThreatProtection protection, ReadOnlySpan<byte> lowerWireName, ushort qtype)
    {
        var offset = _suffixes.Split(lowerWireName, out var privateSuffix);
        return protection switch
        {
            DnsThreatProtection.Dga => offset < 0 ? ThreatConfidence.None : DgaScorer.Thresholds.Of(_dga.Score(Label(lowerWireName, offset), privateSuffix)),
            DnsThreatProtection.DictionaryDga => offset < 0 ? ThreatConfidence.None : DictionaryDgaScorer.Thresholds.Of(_dictionaryDga.Score(Label(lowerWireName, offset), privateSuffix)),
            DnsThreatProtection.DnsTunneling => _tunneling.Record(lowerWireName, offset, qtype),
            _ => ThreatConfidence.None,
        };
    }

    /// <summary>The raw DGA score (0..1) of the registrable label; 0 when the name has none.</summary>
    public double DgaScore(ReadOnlySpan<byte> lowerWireName)
    {
        var offset = _suffixes.Split(lowerWireName, out var privateSuffix);
        return offset < 0 ? 0 : _dga.Score(Label(lowerWireName, offset), privateSuffix);
    }

    /// <summary>The raw dictionary-DGA score (0..1) of the registrable label; 0 when the name has none.</summary>
    public double DictionaryDgaScore(ReadOnlySpan<byte> lowerWireName)
    {
        var offset = _suffixes.Split(lowerWireName, out var privateSuffix);
        return offset < 0 ? 0 : _dictionaryDga.Score(Label(lowerWireName, offset), privateSuffix);
    }

    private static ReadOnlySpan<byte> Label(ReadOnlySpan<byte> name, int offset) => name.Slice(offset + 1, name[offset]);
}
