using System.Net;
using Microsoft.Extensions.Options;
using Resolver.Dns.Wire;
using Resolver.Server.Configuration;
using Resolver.Server.Pipeline;
using Resolver.Server.QueryLogging;
using Resolver.Testing;

namespace Resolver.Server.Tests.QueryLogging;

public sealed class QueryLogTests
{
    [Fact]
    public void A_full_queue_drops_and_counts_records_instead_of_waiting()
    {
        var log = new QueryLog(Options.Create(new DnsServerOptions { QueryLog = { Mode = QueryLogMode.All, Capacity = 2 } }));
        var query = TestMessage.Query("www.example.test", TestMessage.TypeA);
        Assert.Equal(DnsParseStatus.Ok, DnsQueryParser.Parse(query, out var parsed));
        var client = new IPEndPoint(IPAddress.Loopback, 5000).Serialize();

        for (var i = 0; i < 5; i++)
        {
            log.Record(query, parsed, query, DnsTransport.Udp, client, null, null);
        }

        Assert.Equal(2, log.Recorded);
        Assert.Equal(3, log.Dropped);
    }

    [Fact]
    public void Off_and_matches_modes_skip_what_they_do_not_log()
    {
        var off = new QueryLog(Options.Create(new DnsServerOptions()));
        var matches = new QueryLog(Options.Create(new DnsServerOptions { QueryLog = { Mode = QueryLogMode.Matches } }));
        var query = TestMessage.Query("www.example.test", TestMessage.TypeA);
        DnsQueryParser.Parse(query, out var parsed);
        var client = new IPEndPoint(IPAddress.Loopback, 5000).Serialize();

        off.Record(query, parsed, query, DnsTransport.Udp, client, null, null);
        matches.Record(query, parsed, query, DnsTransport.Udp, client, null, null);

        Assert.Equal(0, off.Recorded + off.Dropped);
        Assert.Equal(0, matches.Recorded + matches.Dropped);
    }
}
