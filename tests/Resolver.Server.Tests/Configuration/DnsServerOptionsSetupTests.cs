using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Resolver.Server.Configuration;
using Resolver.Server.Hosting;

namespace Resolver.Server.Tests.Configuration;

public sealed class DnsServerOptionsSetupTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("resolver-setup-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Empty_listen_list_gets_the_default_listen_address()
    {
        var options = new DnsServerOptions { Upstreams = ["192.0.2.1"] };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal([DnsServerOptions.DefaultListen], options.Listen);
        Assert.Equal("127.0.0.1:5353", DnsServerOptions.DefaultListen);
    }

    [Fact]
    public void Configured_listen_addresses_are_kept_without_the_default()
    {
        var options = new DnsServerOptions { Listen = ["127.0.0.2:53", "[::1]:5353"], Upstreams = ["192.0.2.1"] };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal(["127.0.0.2:53", "[::1]:5353"], options.Listen);
    }

    [Fact]
    public void Upstreams_are_filled_from_the_nameserver_file_in_order()
    {
        var options = new DnsServerOptions
        {
            NameserverFile = WriteFile("""
                # written by a network manager
                search example.test
                nameserver 192.0.2.1
                nameserver 2001:db8::53
                options edns0
                nameserver 198.51.100.2
                """),
        };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal(["192.0.2.1:53", "[2001:db8::53]:53", "198.51.100.2:53"], options.Upstreams);
    }

    [Fact]
    public void Upstreams_from_the_file_parse_back_to_the_same_end_points()
    {
        var options = new DnsServerOptions { NameserverFile = WriteFile("nameserver 192.0.2.1\nnameserver fe80::1%eth0\n") };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        var parsed = options.Upstreams.Select(text => EndpointParser.TryParse(text, SystemNameservers.DnsPort, out var endPoint, out _) ? endPoint : null).ToList();
        Assert.Equal([new IPEndPoint(IPAddress.Parse("192.0.2.1"), 53), new IPEndPoint(IPAddress.Parse("fe80::1"), 53)], parsed);
    }

    [Fact]
    public void Own_listen_address_is_removed_from_the_file_upstreams()
    {
        var options = new DnsServerOptions
        {
            Listen = ["127.0.0.1:53"],
            NameserverFile = WriteFile("nameserver 127.0.0.1\nnameserver 192.0.2.1\n"),
        };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal(["192.0.2.1:53"], options.Upstreams);
    }

    [Fact]
    public void Wildcard_listen_on_port_53_removes_loopback_nameservers()
    {
        var remote = RemoteAddress();
        var options = new DnsServerOptions
        {
            Listen = ["0.0.0.0:53"],
            NameserverFile = WriteFile($"nameserver 127.0.0.53\nnameserver ::1\nnameserver {remote}\n"),
        };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal([$"{remote}:53"], options.Upstreams);
    }

    [Fact]
    public void Wildcard_listen_on_port_53_removes_the_machines_own_interface_address()
    {
        var own = OwnAddress();
        var remote = RemoteAddress();
        var options = new DnsServerOptions
        {
            Listen = ["0.0.0.0:53"],
            NameserverFile = WriteFile($"nameserver {own}\nnameserver {remote}\n"),
        };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal([$"{remote}:53"], options.Upstreams);
    }

    [Fact]
    public void Wildcard_listen_on_another_port_keeps_local_nameservers()
    {
        var options = new DnsServerOptions
        {
            Listen = ["0.0.0.0:5353"],
            NameserverFile = WriteFile($"nameserver 127.0.0.53\nnameserver {OwnAddress()}\n"),
        };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal(["127.0.0.53:53", $"{OwnAddress()}:53"], options.Upstreams);
    }

    [Fact]
    public void Bare_listen_address_means_port_53_for_the_loop_check()
    {
        var options = new DnsServerOptions
        {
            Listen = ["127.0.0.1"],
            NameserverFile = WriteFile("nameserver 127.0.0.1\nnameserver 192.0.2.1\n"),
        };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal(["192.0.2.1:53"], options.Upstreams);
    }

    [Fact]
    public void Default_listen_port_does_not_remove_a_local_nameserver_on_port_53()
    {
        var options = new DnsServerOptions { NameserverFile = WriteFile("nameserver 127.0.0.1\n") };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal(["127.0.0.1:53"], options.Upstreams);
    }

    [Fact]
    public void Configured_upstreams_are_not_replaced_by_the_file()
    {
        var options = new DnsServerOptions
        {
            Upstreams = ["192.0.2.99:5300"],
            NameserverFile = WriteFile("nameserver 192.0.2.1\n"),
        };

        new DnsServerOptionsSetup().PostConfigure(null, options);

        Assert.Equal(["192.0.2.99:5300"], options.Upstreams);
    }

    [Fact]
    public void Missing_nameserver_file_leaves_upstreams_empty_and_validation_names_the_file()
    {
        var missing = Path.Combine(_directory, "does-not-exist");
        var options = new DnsServerOptions { NameserverFile = missing };

        new DnsServerOptionsSetup().PostConfigure(null, options);
        var result = new DnsServerOptionsValidator().Validate(null, options);

        Assert.Empty(options.Upstreams);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Resolver:Upstreams", failure, StringComparison.Ordinal);
        Assert.Contains(missing, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void File_naming_only_this_resolver_gives_no_upstream_and_a_validation_error()
    {
        var options = new DnsServerOptions
        {
            Listen = ["127.0.0.1:53"],
            NameserverFile = WriteFile("nameserver 127.0.0.1\n"),
        };

        new DnsServerOptionsSetup().PostConfigure(null, options);
        var result = new DnsServerOptionsValidator().Validate(null, options);

        Assert.Empty(options.Upstreams);
        Assert.Contains("no upstream server", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_listen_entry_is_left_to_the_validator()
    {
        var options = new DnsServerOptions
        {
            Listen = ["not-an-address", "127.0.0.1:53"],
            NameserverFile = WriteFile("nameserver 127.0.0.1\nnameserver 192.0.2.1\n"),
        };

        new DnsServerOptionsSetup().PostConfigure(null, options);
        var result = new DnsServerOptionsValidator().Validate(null, options);

        Assert.Equal(["192.0.2.1:53"], options.Upstreams);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Resolver:Listen", failure, StringComparison.Ordinal);
        Assert.Contains("'not-an-address'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_registration_resolves_upstreams_from_the_configured_nameserver_file()
    {
        using var provider = BuildProvider(new Dictionary<string, string?>
        {
            ["Resolver:NameserverFile"] = WriteFile($"nameserver 127.0.0.1\nnameserver {OwnAddress()}\nnameserver {RemoteAddress()}\n"),
            ["Resolver:Listen:0"] = "0.0.0.0:53",
        });

        var endpoints = provider.GetRequiredService<ResolvedServerEndpoints>();

        Assert.Equal([new IPEndPoint(IPAddress.Any, 53)], endpoints.Listen);
        Assert.Equal([new IPEndPoint(RemoteAddress(), 53)], endpoints.Upstreams);
    }

    [Fact]
    public void Service_registration_uses_the_default_listen_address()
    {
        using var provider = BuildProvider(new Dictionary<string, string?>
        {
            ["Resolver:Upstreams:0"] = "192.0.2.1:5300",
        });

        var endpoints = provider.GetRequiredService<ResolvedServerEndpoints>();

        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 5353)], endpoints.Listen);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5300)], endpoints.Upstreams);
    }

    [Fact]
    public void Service_registration_fails_validation_when_the_file_names_only_this_resolver()
    {
        using var provider = BuildProvider(new Dictionary<string, string?>
        {
            ["Resolver:NameserverFile"] = WriteFile("nameserver 127.0.0.1\n"),
            ["Resolver:Listen:0"] = "127.0.0.1:53",
        });

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DnsServerOptions>>().Value);

        Assert.Contains("Resolver:Upstreams", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>The machine's first non-loopback IPv4 interface address, or loopback when it has none.</summary>
    private static IPAddress OwnAddress() => LocalAddresses().FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;

    /// <summary>A documentation address that is not one of this machine's (test containers may use 192.0.2.0/24).</summary>
    private static IPAddress RemoteAddress()
    {
        var local = LocalAddresses();
        return new[] { "203.0.113.53", "198.51.100.53", "192.0.2.253" }.Select(IPAddress.Parse).First(candidate => !local.Contains(candidate));
    }

    private static HashSet<IPAddress> LocalAddresses() =>
        [.. NetworkInterface.GetAllNetworkInterfaces().SelectMany(nic => nic.GetIPProperties().UnicastAddresses).Select(unicast => unicast.Address)];

    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDnsServer(configuration);
        return services.BuildServiceProvider();
    }

    private string WriteFile(string content)
    {
        var path = Path.Combine(_directory, $"nameservers-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        return path;
    }
}
