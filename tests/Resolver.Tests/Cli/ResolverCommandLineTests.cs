using System.CommandLine;
using Serilog.Events;

namespace Resolver.Tests.Cli;

public sealed class ResolverCommandLineTests
{
    [Theory]
    [InlineData("")]
    [InlineData("serve")]
    public void Root_and_serve_both_parse_without_errors(string command)
    {
        var result = global::Resolver.Cli.ResolverCommandLine.Build().Parse(command.Length == 0 ? [] : [command]);

        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("serve ")]
    public void Listen_and_upstream_are_repeatable_and_keep_their_order(string prefix)
    {
        var args = (prefix + "--listen 127.0.0.1:5300 -l [::1]:5300 --upstream 127.0.0.2 -u 127.0.0.3:5353").Split(' ');

        var result = global::Resolver.Cli.ResolverCommandLine.Build().Parse(args);

        Assert.Empty(result.Errors);
        Assert.Equal(["127.0.0.1:5300", "[::1]:5300"], result.GetValue<string[]>("--listen")!);
        Assert.Equal(["127.0.0.2", "127.0.0.3:5353"], result.GetValue<string[]>("--upstream")!);
    }

    [Fact]
    public void Log_options_default_to_information_and_text()
    {
        var result = global::Resolver.Cli.ResolverCommandLine.Build().Parse([]);

        Assert.Equal(LogEventLevel.Information, result.GetValue<LogEventLevel>("--log-level"));
        Assert.Equal(global::Resolver.Cli.LogFormat.Text, result.GetValue<global::Resolver.Cli.LogFormat>("--log-format"));
    }

    [Fact]
    public void Log_options_accept_every_level_and_json()
    {
        var result = global::Resolver.Cli.ResolverCommandLine.Build().Parse(["--log-level", "Debug", "--log-format", "json", "--upstream-tcp-only", "--rulesets", "/tmp/rules"]);

        Assert.Empty(result.Errors);
        Assert.Equal(LogEventLevel.Debug, result.GetValue<LogEventLevel>("--log-level"));
        Assert.Equal(global::Resolver.Cli.LogFormat.Json, result.GetValue<global::Resolver.Cli.LogFormat>("--log-format"));
        Assert.True(result.GetValue<bool>("--upstream-tcp-only"));
        Assert.Equal("/tmp/rules", result.GetValue<string>("--rulesets"));
    }

    [Theory]
    [InlineData("--log-level", "Loud")]
    [InlineData("--log-format", "xml")]
    [InlineData("--no-such-option", "1")]
    public void Invalid_arguments_are_parse_errors(string option, string value)
    {
        var result = global::Resolver.Cli.ResolverCommandLine.Build().Parse([option, value]);

        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Help_lists_every_option_with_its_default()
    {
        using var output = new StringWriter();

        var exitCode = global::Resolver.Cli.ResolverCommandLine.Build().Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });

        var help = output.ToString();
        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--listen", "--upstream", "--rulesets", "--upstream-tcp-only", "--config", "--log-level", "--log-format", "--version", "serve" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }

        Assert.Contains("[default: 127.0.0.1:5353]", help, StringComparison.Ordinal);
        Assert.Contains("[default: Information]", help, StringComparison.Ordinal);
        Assert.Contains("[default: Text]", help, StringComparison.Ordinal);
        Assert.Contains("[default: ./rulesets]", help, StringComparison.Ordinal);
        Assert.Contains("[default: false]", help, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_of_serve_lists_the_same_options()
    {
        using var output = new StringWriter();

        global::Resolver.Cli.ResolverCommandLine.Build().Parse(["serve", "--help"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.Contains("--listen", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--upstream-tcp-only", output.ToString(), StringComparison.Ordinal);
    }
}
