using System.Net;
using Resolver.Server.Configuration;

namespace Resolver.Server.Tests.Configuration;

public sealed class SystemNameserversTests
{
    private static IPEndPoint Ep(string address, int port = 53) => new(IPAddress.Parse(address), port);

    [Fact]
    public void Nameserver_lines_are_read_in_order_with_port_53()
    {
        const string content = """
            nameserver 192.0.2.1
            nameserver 2001:db8::53
            nameserver 198.51.100.7
            """;

        var servers = SystemNameservers.Parse(content);

        Assert.Equal([Ep("192.0.2.1"), Ep("2001:db8::53"), Ep("198.51.100.7")], servers);
    }

    [Fact]
    public void Comment_lines_starting_with_hash_or_semicolon_are_ignored()
    {
        const string content = """
            # nameserver 10.0.0.1
            ; nameserver 10.0.0.2
            #nameserver 10.0.0.3
            nameserver 192.0.2.1
            """;

        Assert.Equal([Ep("192.0.2.1")], SystemNameservers.Parse(content));
    }

    [Fact]
    public void Trailing_comment_after_the_address_is_ignored()
    {
        Assert.Equal([Ep("192.0.2.1")], SystemNameservers.Parse("nameserver 192.0.2.1 # the office resolver\n"));
    }

    [Fact]
    public void Search_domain_and_options_lines_are_ignored()
    {
        const string content = """
            domain corp.example
            search corp.example example.test
            options ndots:5 timeout:1 rotate
            sortlist 130.155.160.0/255.255.240.0
            nameserver 192.0.2.9
            """;

        Assert.Equal([Ep("192.0.2.9")], SystemNameservers.Parse(content));
    }

    [Fact]
    public void Junk_lines_and_invalid_addresses_are_skipped()
    {
        const string content = """
            this is not a directive
            nameserver
            nameserver not-an-address
            nameserver dns.example.com
            nameserver 300.1.1.1
            nameservers 10.9.9.9
            NAMESERVER 10.8.8.8
            nameserver 192.0.2.44
            """;

        Assert.Equal([Ep("192.0.2.44")], SystemNameservers.Parse(content));
    }

    [Fact]
    public void Ipv6_scope_id_is_stripped()
    {
        var servers = SystemNameservers.Parse("nameserver fe80::1%eth0\n");

        var server = Assert.Single(servers);
        Assert.Equal(IPAddress.Parse("fe80::1"), server.Address);
        Assert.Equal(0, server.Address.ScopeId);
        Assert.Equal(53, server.Port);
    }

    [Fact]
    public void Tabs_extra_spaces_and_crlf_line_ends_are_tolerated()
    {
        const string content = "nameserver\t192.0.2.1\r\n   nameserver    192.0.2.2   \r\n\r\nnameserver 2001:db8::2\r\n";

        Assert.Equal([Ep("192.0.2.1"), Ep("192.0.2.2"), Ep("2001:db8::2")], SystemNameservers.Parse(content));
    }

    [Fact]
    public void Empty_text_gives_no_servers()
    {
        Assert.Empty(SystemNameservers.Parse(string.Empty));
        Assert.Empty(SystemNameservers.Parse("# nothing here\n\n"));
    }

    [Fact]
    public void Nameserver_with_the_same_address_and_port_as_a_listener_is_removed()
    {
        var result = SystemNameservers.WithoutSelf([Ep("127.0.0.1"), Ep("192.0.2.1")], [Ep("127.0.0.1", 53)], NothingIsLocal);

        Assert.Equal([Ep("192.0.2.1")], result);
    }

    [Fact]
    public void Nameserver_on_our_address_but_another_port_is_kept()
    {
        var result = SystemNameservers.WithoutSelf([Ep("127.0.0.1")], [Ep("127.0.0.1", 5353)], NothingIsLocal);

        Assert.Equal([Ep("127.0.0.1")], result);
    }

    [Fact]
    public void Specific_listen_address_does_not_remove_another_loopback_address()
    {
        var result = SystemNameservers.WithoutSelf([Ep("127.0.0.53")], [Ep("127.0.0.1", 53)]);

        Assert.Equal([Ep("127.0.0.53")], result);
    }

    [Fact]
    public void Ipv4_wildcard_listener_on_port_53_removes_loopback_nameservers()
    {
        var result = SystemNameservers.WithoutSelf([Ep("127.0.0.1"), Ep("127.0.0.53"), Ep("::1"), Ep("192.0.2.1")], [Ep("0.0.0.0", 53)], IPAddress.IsLoopback);

        Assert.Equal([Ep("192.0.2.1")], result);
    }

    [Fact]
    public void Default_local_address_check_counts_loopback_as_local()
    {
        var result = SystemNameservers.WithoutSelf([Ep("127.0.0.1"), Ep("127.0.0.53"), Ep("::1")], [Ep("0.0.0.0", 53)]);

        Assert.Empty(result);
    }

    [Fact]
    public void Wildcard_listener_removes_a_nameserver_on_a_local_interface_address()
    {
        var local = IPAddress.Parse("10.1.2.3");

        var result = SystemNameservers.WithoutSelf([Ep("10.1.2.3"), Ep("10.1.2.4")], [Ep("0.0.0.0", 53)], address => address.Equals(local));

        Assert.Equal([Ep("10.1.2.4")], result);
    }

    [Fact]
    public void Ipv6_wildcard_listener_removes_local_nameservers()
    {
        var result = SystemNameservers.WithoutSelf([Ep("::1"), Ep("2001:db8::1")], [Ep("::", 53)], IPAddress.IsLoopback);

        Assert.Equal([Ep("2001:db8::1")], result);
    }

    [Fact]
    public void Wildcard_listener_on_another_port_removes_nothing()
    {
        var result = SystemNameservers.WithoutSelf([Ep("127.0.0.1"), Ep("::1")], [Ep("0.0.0.0", 5353), Ep("::", 5353)], _ => true);

        Assert.Equal([Ep("127.0.0.1"), Ep("::1")], result);
    }

    [Fact]
    public void Wildcard_listener_keeps_remote_nameservers()
    {
        var result = SystemNameservers.WithoutSelf([Ep("192.0.2.1"), Ep("2001:db8::53")], [Ep("0.0.0.0", 53)], NothingIsLocal);

        Assert.Equal([Ep("192.0.2.1"), Ep("2001:db8::53")], result);
    }

    [Fact]
    public void Order_of_the_remaining_nameservers_is_kept()
    {
        var result = SystemNameservers.WithoutSelf(
            [Ep("192.0.2.3"), Ep("127.0.0.1"), Ep("192.0.2.1"), Ep("192.0.2.2")],
            [Ep("127.0.0.1", 53)],
            NothingIsLocal);

        Assert.Equal([Ep("192.0.2.3"), Ep("192.0.2.1"), Ep("192.0.2.2")], result);
    }

    [Fact]
    public void Every_listener_is_checked()
    {
        var result = SystemNameservers.WithoutSelf(
            [Ep("127.0.0.1"), Ep("::1"), Ep("192.0.2.1")],
            [Ep("127.0.0.1", 5353), Ep("127.0.0.1", 53), Ep("::1", 53)],
            NothingIsLocal);

        Assert.Equal([Ep("192.0.2.1")], result);
    }

    [Fact]
    public void No_listener_keeps_every_nameserver()
    {
        Assert.Equal([Ep("127.0.0.1")], SystemNameservers.WithoutSelf([Ep("127.0.0.1")], [], _ => true));
    }

    [Fact]
    public async Task Nameserver_file_text_read_from_disk_parses_like_a_string()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nameservers-{Guid.NewGuid():N}.txt");
        try
        {
            await File.WriteAllTextAsync(path, "# generated\nsearch example.test\nnameserver 127.0.0.1\nnameserver 203.0.113.8\n");

            var servers = SystemNameservers.Parse(await File.ReadAllTextAsync(path));
            var upstreams = SystemNameservers.WithoutSelf(servers, [Ep("0.0.0.0", 53)]);

            Assert.Equal([Ep("127.0.0.1"), Ep("203.0.113.8")], servers);
            Assert.Equal([Ep("203.0.113.8")], upstreams);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static bool NothingIsLocal(IPAddress address) => false;
}
