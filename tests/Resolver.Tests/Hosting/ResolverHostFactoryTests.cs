using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Resolver.Cli;
using Resolver.Hosting;
using Resolver.Server.Configuration;

namespace Resolver.Tests.Hosting;

/// <summary>
/// Configuration layering as the host builds it: appsettings.json, --config file, RESOLVER__ environment
/// variables, then the command line. Environment variables are process-wide, so every test here uses keys
/// no other test sets and removes them again.
/// </summary>
public sealed class ResolverHostFactoryTests
{
    [Fact]
    public void Defaults_are_valid_and_come_from_appsettings()
    {
        var options = Resolve(new ServeSettings { Upstreams = ["127.0.0.1:15353"] });

        Assert.Equal([DnsServerOptions.DefaultListen], options.Listen);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Upstream.QueryTimeout);
        Assert.Equal(1232, options.Udp.MaxResponseSize);
    }

    [Fact]
    public void Environment_variables_with_the_resolver_prefix_bind_to_options()
    {
        Environment.SetEnvironmentVariable("RESOLVER__Upstream__MaxAttempts", "5");
        Environment.SetEnvironmentVariable("RESOLVER__Tcp__MaxConnections", "77");
        try
        {
            var options = Resolve(new ServeSettings { Upstreams = ["127.0.0.1:15353"] });

            Assert.Equal(5, options.Upstream.MaxAttempts);
            Assert.Equal(77, options.Tcp.MaxConnections);
        }
        finally
        {
            Environment.SetEnvironmentVariable("RESOLVER__Upstream__MaxAttempts", null);
            Environment.SetEnvironmentVariable("RESOLVER__Tcp__MaxConnections", null);
        }
    }

    [Fact]
    public void Command_line_beats_environment_which_beats_the_config_file()
    {
        var configFile = Path.Combine(Path.GetTempPath(), $"resolver-test-{Guid.NewGuid():N}.json");
        File.WriteAllText(configFile, """
            {
              "Resolver": {
                "Listen": [ "127.0.0.1:6000", "127.0.0.1:6001" ],
                "Upstreams": [ "127.0.0.5" ],
                "Udp": { "MaxResponseSize": 1400 },
                "Upstream": { "SocketsPerUpstream": 3, "TcpOnly": false }
              }
            }
            """);
        Environment.SetEnvironmentVariable("RESOLVER__Upstream__SocketsPerUpstream", "6");
        try
        {
            var options = Resolve(new ServeSettings { ConfigFile = configFile, Listen = ["127.0.0.1:7000"], UpstreamTcpOnly = true });

            Assert.Equal(["127.0.0.1:7000"], options.Listen);
            Assert.Equal(["127.0.0.5"], options.Upstreams);
            Assert.Equal(1400, options.Udp.MaxResponseSize);
            Assert.Equal(6, options.Upstream.SocketsPerUpstream);
            Assert.True(options.Upstream.TcpOnly);
        }
        finally
        {
            Environment.SetEnvironmentVariable("RESOLVER__Upstream__SocketsPerUpstream", null);
            File.Delete(configFile);
        }
    }

    [Fact]
    public void Invalid_settings_fail_validation_naming_the_setting()
    {
        Environment.SetEnvironmentVariable("RESOLVER__Udp__MaxResponseSize", "100");
        try
        {
            var exception = Assert.Throws<OptionsValidationException>(() => Resolve(new ServeSettings { Upstreams = ["127.0.0.1:15353"] }));

            Assert.Contains(exception.Failures, failure => failure.Contains("MaxResponseSize", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("RESOLVER__Udp__MaxResponseSize", null);
        }
    }

    [Fact]
    public void A_missing_config_file_is_reported()
    {
        Assert.Throws<FileNotFoundException>(() => ResolverHostFactory.Create(new ServeSettings { ConfigFile = "/nonexistent/resolver.json" }));
    }

    private static DnsServerOptions Resolve(ServeSettings settings)
    {
        using var host = ResolverHostFactory.Create(settings);
        return host.Services.GetRequiredService<IOptions<DnsServerOptions>>().Value;
    }
}
