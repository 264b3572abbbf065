using Resolver.Server.Configuration;
using Resolver.Server.Limits;

namespace Resolver.Server.Tests.Limits;

public sealed class TcpClientConnectionsTests
{
    private static readonly byte[] Client = ClientRateLimiterTests.Mapped("192.0.2.10");

    [Fact]
    public void A_client_gets_its_cap_and_a_closed_connection_frees_a_place()
    {
        var table = Table(maxPerClient: 3);
        var slots = Enumerable.Range(0, 3).Select(_ => table.TryOpen(Client)).ToList();

        Assert.DoesNotContain(TcpClientConnections.Refused, slots);
        Assert.Equal(TcpClientConnections.Refused, table.TryOpen(Client));
        table.Close(slots[0]);
        var again = table.TryOpen(Client);
        Assert.NotEqual(TcpClientConnections.Refused, again);
        Assert.Equal(TcpClientConnections.Refused, table.TryOpen(Client));
        Assert.Equal(3, table.OpenConnections);
    }

    [Fact]
    public void A_client_at_its_cap_does_not_hold_back_others()
    {
        var table = Table(maxPerClient: 1);
        Assert.NotEqual(TcpClientConnections.Refused, table.TryOpen(Client));
        Assert.Equal(TcpClientConnections.Refused, table.TryOpen(Client));

        // Only a client whose prefix hashes to the same one of 16384 slots would share the cap.
        var accepted = Enumerable.Range(1, 50).Count(i => table.TryOpen(ClientRateLimiterTests.Mapped($"198.51.100.{i}")) != TcpClientConnections.Refused);
        Assert.True(accepted >= 48, $"{accepted} of 50 accepted");
    }

    [Fact]
    public void Ipv6_clients_are_grouped_by_their_64()
    {
        var table = Table(maxPerClient: 2);

        Assert.NotEqual(TcpClientConnections.Refused, table.TryOpen(ClientRateLimiterTests.Mapped("2001:db8:0:7::1")));
        Assert.NotEqual(TcpClientConnections.Refused, table.TryOpen(ClientRateLimiterTests.Mapped("2001:db8:0:7::2")));
        Assert.Equal(TcpClientConnections.Refused, table.TryOpen(ClientRateLimiterTests.Mapped("2001:db8:0:7:abcd::3")));
    }

    [Fact]
    public void Every_open_is_given_back_by_its_close_even_when_racing()
    {
        var table = Table(maxPerClient: 4);
        Parallel.For(0, 8, worker =>
        {
            var client = ClientRateLimiterTests.Mapped($"203.0.113.{worker % 2}");
            for (var i = 0; i < 20_000; i++)
            {
                var slot = table.TryOpen(client);
                if (slot != TcpClientConnections.Refused)
                {
                    table.Close(slot);
                }
            }
        });

        Assert.Equal(0, table.OpenConnections);
        Assert.Equal(4, Enumerable.Range(0, 5).Count(_ => table.TryOpen(Client) != TcpClientConnections.Refused));
    }

    [Fact]
    public void Zero_turns_the_cap_off()
    {
        var table = Table(maxPerClient: 0);

        Assert.All(Enumerable.Range(0, 10_000), _ => Assert.NotEqual(TcpClientConnections.Refused, table.TryOpen(Client)));
    }

    private static TcpClientConnections Table(int maxPerClient)
    {
        var options = new DnsServerOptions();
        options.Tcp.MaxConnectionsPerClient = maxPerClient;
        return new TcpClientConnections(options);
    }
}
