using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Resolver.Cli;

namespace Resolver.Tests.Cli;

public sealed class DetectCommandTests : IDisposable
{
    private const long T0 = 1_700_000_000;
    private const long AfterLearning = T0 + (31 * 86_400);

    private readonly string _folder = Directory.CreateTempSubdirectory("detect-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Detect_writes_findings_as_json_lines_and_diagnostics_with_a_summary_on_stderr()
    {
        var logs = Directory.CreateDirectory(Path.Combine(_folder, "logs")).FullName;
        File.WriteAllText(Path.Combine(logs, "1.log"), $"{Header}\n{Line("8.8.8.8", T0)}\n{Line("8.8.4.4", T0 + 10)}\n");
        File.WriteAllText(Path.Combine(logs, "2.log"), $"{Line("1.1.1.1", AfterLearning)}\nbroken\n{Line("1.1.1.1", AfterLearning + 5)}\n{Line("9.9.9.9", AfterLearning, port: 853, protocol: 6)}\n{Line("8.8.4.4", AfterLearning)}\n");
        var state = Path.Combine(_folder, "state.json");

        var (exitCode, output, error) = Detect("--flow-logs", logs, "--state", state, "--learning-window", "30d", "--allow", "8.8.4.0/24", "--region", "eu-west-1");

        Assert.Equal(0, exitCode);
        var findings = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(2, findings.Count);
        var dns = findings.Single(finding => finding.GetProperty("type").GetString() == "DefenseEvasion:EC2/UnusualDNSResolver");
        Assert.Equal(2, dns.GetProperty("service").GetProperty("count").GetInt64());
        Assert.Equal("eu-west-1", dns.GetProperty("region").GetString());
        Assert.Equal(5, dns.GetProperty("severity").GetDouble());
        Assert.Equal("1.1.1.1", dns.GetProperty("service").GetProperty("action").GetProperty("networkConnectionAction").GetProperty("remoteIpDetails").GetProperty("ipAddressV4").GetString());
        Assert.Contains(findings, finding => finding.GetProperty("type").GetString() == "DefenseEvasion:EC2/UnusualDoTActivity");
        Assert.Contains($"{Path.Combine(logs, "2.log")}:2: expected 14 fields, found 1", error, StringComparison.Ordinal);
        Assert.Contains("resolver detect: 2 file(s), 6 record(s) read, 1 bad line(s), 2 finding(s)", error, StringComparison.Ordinal);
        Assert.True(File.Exists(state));
    }

    [Fact]
    public void A_second_run_with_the_state_continues_the_count_under_the_same_id()
    {
        var first = Path.Combine(_folder, "1.log");
        var second = Path.Combine(_folder, "2.log");
        File.WriteAllText(first, $"{Line("8.8.8.8", T0)}\n{Line("1.1.1.1", AfterLearning)}\n");
        File.WriteAllText(second, $"{Line("1.1.1.1", AfterLearning + 100)}\n");
        var state = Path.Combine(_folder, "state.json");

        var (_, one, _) = Detect("--flow-logs", first, "--state", state);
        var (exitCode, two, _) = Detect("--flow-logs", first, second, "--state", state);

        Assert.Equal(0, exitCode);
        var a = JsonDocument.Parse(one).RootElement;
        var b = JsonDocument.Parse(two).RootElement;
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        Assert.Equal(2, b.GetProperty("service").GetProperty("count").GetInt64());
    }

    [Fact]
    public void A_missing_flow_log_path_exits_2_naming_it()
    {
        var missing = Path.Combine(_folder, "nope.log");

        var (exitCode, output, error) = Detect("--flow-logs", missing);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains($"resolver detect: flow-log file or folder '{missing}' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_state_file_exits_2()
    {
        var log = Path.Combine(_folder, "1.log");
        File.WriteAllText(log, Line("8.8.8.8", T0) + "\n");
        var state = Path.Combine(_folder, "state.json");
        File.WriteAllText(state, "[1, 2");

        var (exitCode, _, error) = Detect("--flow-logs", log, "--state", state);

        Assert.Equal(2, exitCode);
        Assert.Contains($"state file '{state}' cannot be read", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--allow", "not-an-address", "'not-an-address' is not an IP address or CIDR range")]
    [InlineData("--services", "/no/such/catalog.yaml", "/no/such/catalog.yaml: cannot read")]
    [InlineData("--account-id", "12", "--account-id '12' must be 12 digits")]
    public void Bad_settings_exit_2_naming_them(string option, string value, string message)
    {
        var log = Path.Combine(_folder, "1.log");
        File.WriteAllText(log, Line("8.8.8.8", T0) + "\n");

        var (exitCode, _, error) = Detect("--flow-logs", log, option, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30d", 30 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("90m", 90)]
    [InlineData("7.00:00:00", 7 * 24 * 60)]
    public void Durations_take_a_unit_or_a_timespan(string text, int minutes)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Fact]
    public void A_bad_learning_window_is_a_parse_error() =>
        Assert.NotEmpty(ResolverCommandLine.Build().Parse(["detect", "--flow-logs", "x", "--learning-window", "soon"]).Errors);

    private const string Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    private static string Line(string dst, long start, int port = 53, int protocol = 17) =>
        string.Create(CultureInfo.InvariantCulture, $"2 123456789012 eni-1 10.0.0.5 {dst} 40000 {port} {protocol} 1 60 {start} {start + 60} ACCEPT OK");

    private static (int ExitCode, string Output, string Error) Detect(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = ResolverCommandLine.Build().Parse(["detect", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
