using Resolver.Cli;
using Resolver.Server.Configuration;

namespace Resolver.Tests.Cli;

public sealed class ServeSettingsTests
{
    [Fact]
    public void Lists_from_the_command_line_replace_configured_lists_whole()
    {
        var options = new DnsServerOptions { Listen = ["127.0.0.1:53", "[::1]:53"], Upstreams = ["127.0.0.9", "127.0.0.10"] };

        new ServeSettings { Listen = ["127.0.0.1:5300"], Upstreams = ["127.0.0.2:5353"] }.ApplyTo(options);

        Assert.Equal(["127.0.0.1:5300"], options.Listen);
        Assert.Equal(["127.0.0.2:5353"], options.Upstreams);
    }

    [Fact]
    public void Lists_not_given_on_the_command_line_keep_the_configured_ones()
    {
        var options = new DnsServerOptions { Listen = ["127.0.0.1:53"], Upstreams = ["127.0.0.9"] };

        new ServeSettings().ApplyTo(options);

        Assert.Equal(["127.0.0.1:53"], options.Listen);
        Assert.Equal(["127.0.0.9"], options.Upstreams);
    }

    [Fact]
    public void Scalars_become_configuration_overrides_only_when_given()
    {
        Assert.Empty(new ServeSettings().ToConfigurationOverrides());

        var overrides = new ServeSettings { Rulesets = "/srv/rules", UpstreamTcpOnly = true }.ToConfigurationOverrides();

        Assert.Equal("/srv/rules", overrides["Resolver:Rulesets"]);
        Assert.Equal("true", overrides["Resolver:Upstream:TcpOnly"]);
    }

    [Fact]
    public void The_flow_log_folder_turns_on_detection_through_configuration()
    {
        var parsed = ResolverCommandLine.Build().Parse(["serve", "--flow-log-folder", "/var/log/flows"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal("/var/log/flows", new ServeSettings { FlowLogFolder = "/var/log/flows" }.ToConfigurationOverrides()["Resolver:Detection:FlowLogFolder"]);
    }
}
