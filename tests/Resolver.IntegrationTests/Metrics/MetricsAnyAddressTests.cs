using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Resolver.IntegrationTests.Firewall;
using Resolver.Metrics.Hosting;

namespace Resolver.IntegrationTests.Metrics;

/// <summary>The container listens on every address (0.0.0.0:9153); the endpoint must accept that form.</summary>
public sealed class MetricsAnyAddressTests
{
    [Fact]
    public async Task An_endpoint_on_every_address_answers_on_loopback()
    {
        await using var resolver = await FirewallResolver.StartAsync("domainLists: []\n", metricsListen: "0.0.0.0:0");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var address = resolver.Services.GetRequiredService<MetricsEndpoint>().Address;

        Assert.NotNull(address);
        Assert.Equal(IPAddress.Loopback.ToString(), address.Host);
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri(address, "/healthz")));
    }
}
