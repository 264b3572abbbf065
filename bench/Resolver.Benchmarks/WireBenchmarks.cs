using BenchmarkDotNet.Attributes;
using Resolver.Dns.Wire;

namespace Resolver.Benchmarks;

/// <summary>The per-query wire work: parse a query, synthesize an error answer, truncate a large answer.</summary>
[MemoryDiagnoser]
public class WireBenchmarks
{
    private readonly byte[] _query = new byte[512];
    private readonly byte[] _response = new byte[4096];
    private readonly byte[] _largeResponse = new byte[4096];
    private int _queryLength;
    private int _largeLength;

    [GlobalSetup]
    public void Setup()
    {
        _queryLength = DnsQueryWriter.Write(_query, 0x1234, "www.some-host.example.com", DnsRecordType.A, ednsUdpPayload: 1232, dnssecOk: true);

        // A response of 40 A records and an OPT, as an upstream would send it.
        _query.AsSpan(0, _queryLength - EdnsInfo.OptRecordSize).CopyTo(_largeResponse);
        var position = _queryLength - EdnsInfo.OptRecordSize;
        for (var i = 0; i < 40; i++)
        {
            ReadOnlySpan<byte> record = [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, (byte)i];
            record.CopyTo(_largeResponse.AsSpan(position));
            position += record.Length;
        }

        position += DnsResponseWriter.WriteOpt(_largeResponse.AsSpan(position), 1232, 0, true);
        DnsHeader.SetFlags(_largeResponse, DnsHeader.FlagQr | DnsHeader.FlagRd | DnsHeader.FlagRa);
        DnsHeader.SetCounts(_largeResponse, 1, 40, 0, 1);
        _largeLength = position;
    }

    [Benchmark]
    public DnsParseStatus ParseQuery() => DnsQueryParser.Parse(_query.AsSpan(0, _queryLength), out _);

    [Benchmark]
    public int ParseAndWriteServFail()
    {
        DnsQueryParser.Parse(_query.AsSpan(0, _queryLength), out var query);
        return DnsResponseWriter.WriteRcodeResponse(_query.AsSpan(0, _queryLength), query, DnsResponseCode.ServFail, 1232, _response);
    }

    [Benchmark]
    public int TruncateLargeAnswer()
    {
        _largeResponse.AsSpan(0, _largeLength).CopyTo(_response);
        return DnsResponseWriter.Truncate(_response, _largeLength, 512);
    }
}
