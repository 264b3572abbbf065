using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Resolver.Server.Hosting;
using Resolver.Testing;

namespace Resolver.IntegrationTests;

/// <summary>The built <c>resolver</c> executable, run as a child process through the <c>dotnet</c> host.</summary>
public sealed class ResolverProcessTests
{
    private const int SigTerm = 15;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Help_exits_0_and_lists_every_option_with_its_default()
    {
        var run = await RunToEndAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        var expected = new Dictionary<string, string>
        {
            ["--listen"] = "127.0.0.1:5353",
            ["--upstream"] = "the nameservers of /etc/",
            ["--rulesets"] = "./rulesets",
            ["--upstream-tcp-only"] = "false",
            ["--config"] = "none",
            ["--log-level"] = "Information",
            ["--log-format"] = "text",
        };
        var lines = run.Stdout.Split('\n');
        foreach (var (option, defaultValue) in expected)
        {
            var line = Assert.Single(lines, l => Regex.IsMatch(l, $@"(^|[\s,]){Regex.Escape(option)}(\s|$)"));
            Assert.Contains($"[default: {defaultValue}", line, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("--help", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--version", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("serve", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_product_version()
    {
        var run = await RunToEndAsync(["--version"]);

        Assert.Equal(0, run.ExitCode);
        Assert.NotEqual("0.0.0", DnsServerService.Version);
        Assert.Matches(@"^\d+\.\d+\.\d+", DnsServerService.Version);
        Assert.Equal(DnsServerService.Version, run.Stdout.Trim().Split('+')[0]);
    }

    [Fact]
    public async Task Listen_address_that_is_not_an_address_exits_2_naming_the_option()
    {
        var run = await RunToEndAsync(["--listen", "nonsense", "--upstream", "127.0.0.1:53"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--listen", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("'nonsense'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("not an IP address", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_setting_from_the_environment_exits_2_naming_the_setting()
    {
        var run = await RunToEndAsync(
            ["--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:53"],
            new Dictionary<string, string> { ["RESOLVER__Upstream__QueryTimeout"] = "00:00:00" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("invalid configuration", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Resolver:Upstream:QueryTimeout must be positive", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_without_an_access_key_refuses_to_start_with_exit_2()
    {
        var state = Directory.CreateTempSubdirectory("api-nokey-").FullName;
        try
        {
            var run = await RunToEndAsync(["--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:53", "--api-listen", "127.0.0.1:0", "--state-dir", state]);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("RESOLVER_API_ACCESS_KEY_ID", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task An_api_address_that_is_not_an_address_exits_2_naming_the_option()
    {
        var run = await RunToEndAsync(["--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:53", "--api-listen", "localhost"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--api-listen", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_logs_json_answers_queries_and_stops_with_exit_code_0_on_sigterm()
    {
        await using var upstream = TestUpstream.Start();
        var port = FreePort();
        var listen = $"127.0.0.1:{port}";
        var output = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        using var process = Start(["--listen", listen, "--upstream", upstream.EndPoint.ToString(), "--log-format", "json"], null);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var started = await WaitForLogAsync(process, output, "Resolver ");
            Assert.True(started is not null, $"no start message; stdout: {string.Join('\n', output)}; stderr: {string.Join('\n', errors)}");
            Assert.Equal(listen, started.Value.GetProperty("Listen").GetString());
            Assert.Equal(upstream.EndPoint.ToString(), started.Value.GetProperty("Upstreams").GetString());
            Assert.Equal(DnsServerService.Version, started.Value.GetProperty("Version").GetString());
            Assert.Contains(listen, started.Value.GetProperty("@m").GetString(), StringComparison.Ordinal);

            var server = IPEndPoint.Parse(listen);
            var answer = await RawDnsClient.ExchangeUdpAsync(server, TestMessage.Query("process.example.test", TestMessage.TypeA, id: 0x9999), Timeout);
            Assert.NotNull(answer);
            Assert.Equal(0x9999, TestMessage.Id(answer));
            Assert.Equal(0, TestMessage.Rcode(answer));
            Assert.Equal([192, 0, 2, 1], answer[^4..]);
            var dig = await Dig.QueryAsync(server, "dig.process.test", "A", "+tcp");
            Assert.Equal(["dig.process.test. 300 IN A 192.0.2.1"], dig.Answers);

            Assert.Equal(0, Kill(process.Id, SigTerm));
            using (var exit = new CancellationTokenSource(Timeout))
            {
                await process.WaitForExitAsync(exit.Token);
            }

            Assert.Equal(0, process.ExitCode);
            var lines = output.Where(l => l.Length > 0).ToList();
            Assert.All(lines, line => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(line).RootElement.ValueKind));
            Assert.Contains(lines, line => Message(line).StartsWith("Stopped", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static string Message(string jsonLine)
    {
        using var document = JsonDocument.Parse(jsonLine);
        return document.RootElement.TryGetProperty("@m", out var message) ? message.GetString() ?? string.Empty : string.Empty;
    }

    /// <summary>Waits for the first JSON log line whose message starts with <paramref name="prefix"/>.</summary>
    private static async Task<JsonElement?> WaitForLogAsync(Process process, ConcurrentQueue<string> output, string prefix)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < ProcessTimeout && !process.HasExited)
        {
            foreach (var line in output)
            {
                if (line.StartsWith('{') && Message(line).StartsWith(prefix, StringComparison.Ordinal))
                {
                    using var document = JsonDocument.Parse(line);
                    return document.RootElement.Clone();
                }
            }

            await Task.Delay(20);
        }

        return null;
    }

    /// <summary>A loopback port free for both UDP and TCP a moment ago.</summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for TCP: try another.
            }
        }

        throw new InvalidOperationException("no free loopback port");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(arguments, environment);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(ProcessTimeout);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process Start(string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(ResolverExecutable.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(ResolverExecutable.ResolverDll());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("RESOLVER__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("the resolver did not start");
    }

    private static int Kill(int pid, int signal) => NativeMethods.Kill(pid, signal);

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int Kill(int pid, int signal);
    }
}
