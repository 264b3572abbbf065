using System.Net;
using Resolver.Detection.Catalog;

namespace Resolver.Detection.Tests.Catalog;

public sealed class DnsServiceCatalogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("catalog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("8.8.8.8", "Google Public DNS", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("2001:4860:4860::8844", "Google Public DNS", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("1.1.1.3", "Cloudflare 1.1.1.1", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("2606:4700:4700::1001", "Cloudflare 1.1.1.1", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("149.112.112.112", "Quad9", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("9.9.9.11", "Quad9", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("2620:fe::fe", "Quad9", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("208.67.220.220", "OpenDNS (Cisco Umbrella)", DnsServiceKinds.Dns | DnsServiceKinds.Doh)]
    [InlineData("94.140.15.15", "AdGuard DNS", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("185.228.168.9", "CleanBrowsing", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("45.90.28.123", "NextDNS", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("45.90.30.0", "NextDNS", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("77.88.8.8", "Yandex DNS", DnsServiceKinds.Dns | DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    [InlineData("8.26.56.26", "Comodo Secure DNS", DnsServiceKinds.Dns)]
    [InlineData("4.2.2.6", "Level3 (Lumen)", DnsServiceKinds.Dns)]
    [InlineData("194.242.2.2", "Mullvad DNS", DnsServiceKinds.Doh | DnsServiceKinds.Dot)]
    public void The_built_in_catalog_knows_the_common_public_services(string address, string provider, DnsServiceKinds kinds)
    {
        var service = DnsServiceCatalog.Load([]).Find(IPAddress.Parse(address));

        Assert.NotNull(service);
        Assert.Equal(provider, service.Provider);
        Assert.Equal(kinds, service.Kinds);
        Assert.StartsWith("https://", service.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4.2.2.7")]
    [InlineData("10.0.0.2")]
    [InlineData("45.90.29.1")]
    public void Other_addresses_are_not_in_the_catalog(string address) =>
        Assert.Null(DnsServiceCatalog.Load([]).Find(IPAddress.Parse(address)));

    [Fact]
    public void A_file_of_the_operator_extends_the_catalog_and_wins_for_an_address_listed_twice()
    {
        var file = Path.Combine(_folder, "mine.yaml");
        File.WriteAllText(file, """
            kind: PublicDnsServices
            services:
              - provider: Example DoH
                kinds: [doh]
                source: https://doh.example/
                ipv4: [80.80.80.0/24]
              - provider: Renamed Google
                kinds: dns
                source: https://example.org/
                ipv4: [8.8.8.8]
            """);

        var catalog = DnsServiceCatalog.Load([file]);

        Assert.Equal("Example DoH", catalog.Find(IPAddress.Parse("80.80.80.80"))!.Provider);
        Assert.Equal(DnsServiceKinds.Dns, catalog.Find(IPAddress.Parse("8.8.8.8"))!.Kinds);
        Assert.Equal("Google Public DNS", catalog.Find(IPAddress.Parse("8.8.4.4"))!.Provider);
    }

    [Fact]
    public void Every_error_of_a_bad_file_is_reported_with_file_and_line()
    {
        var file = Path.Combine(_folder, "bad.yaml");
        File.WriteAllText(file, """
            services:
              - provider: No source
                kinds: [dns]
                ipv4: [80.80.80.80]
              - provider: Bad
                kinds: [doq]
                source: https://x.example/
                ipv4: ["2001:db8::1", 300.1.1.1]
            """);

        var exception = Assert.Throws<InvalidDataException>(() => DnsServiceCatalog.Load([file]));

        Assert.Contains($"{file}:2: source is required", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{file}:6: kind 'doq' is not dns, doh or dot", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{file}:8: '2001:db8::1' in ipv4 is not an IPv4 address", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{file}:8: '300.1.1.1' in ipv4", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_file_is_the_built_in_one()
    {
        var shipped = Path.Combine(RepositoryRoot(), "rulesets", "public-dns-services.yaml");

        var fromFile = DnsServiceCatalog.Load([shipped]);

        Assert.Equal(DnsServiceCatalog.Load([]).Services.Count * 2, fromFile.Services.Count);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Resolver.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
