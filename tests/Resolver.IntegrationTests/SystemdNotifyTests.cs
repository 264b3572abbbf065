using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Resolver.Testing;

namespace Resolver.IntegrationTests;

/// <summary>
/// The resolver process as a Type=notify systemd service would run it: systemd is stood in for by a shell
/// whose process name is "systemd" (Microsoft.Extensions.Hosting.Systemd recognises the service manager
/// by its parent's name) and NOTIFY_SOCKET names a datagram socket this test listens on.
/// </summary>
public sealed class SystemdNotifyTests
{
    private const int SigTerm = 15;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Under_systemd_it_notifies_ready_once_listening_logs_journal_priorities_and_notifies_stopping()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var folder = Directory.CreateTempSubdirectory("resolver-systemd-").FullName;
        await using var upstream = TestUpstream.Start();
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(Path.Combine(folder, "notify")));
        File.CreateSymbolicLink(Path.Combine(folder, "systemd"), "/bin/sh");
        var port = FreePort();
        var output = new ConcurrentQueue<string>();
        using var process = StartUnderFakeSystemd(folder, port, upstream.EndPoint);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(notify));

            // Ready means bound: the first query right after READY=1 is answered.
            var answer = await RawDnsClient.ExchangeUdpAsync(new IPEndPoint(IPAddress.Loopback, port), TestMessage.Query("ready.systemd.test", TestMessage.TypeA), TimeSpan.FromSeconds(5));
            Assert.NotNull(answer);
            Assert.Equal(0, TestMessage.Rcode(answer));
            Assert.Contains(output, line => line.StartsWith("<6>", StringComparison.Ordinal) && line.Contains("listening on", StringComparison.Ordinal));
            Assert.DoesNotContain(output, line => line.StartsWith('['));

            Assert.Equal(0, NativeMethods.Kill(ResolverPid(process.Id), SigTerm));
            Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
            using var exit = new CancellationTokenSource(ProcessTimeout);
            await process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string> ReceiveAsync(Socket notify)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        var length = await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }

    /// <summary>
    /// `systemd -c '"$0" "$@"; exit $?' dotnet resolver.dll ...`: the shell forks the resolver (the command
    /// after it keeps the shell from exec-ing it), so the resolver's parent is named systemd.
    /// </summary>
    private static Process StartUnderFakeSystemd(string folder, int port, IPEndPoint upstream)
    {
        var start = new ProcessStartInfo(Path.Combine(folder, "systemd"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // No ./rulesets there: the built-in default policy.
            WorkingDirectory = folder,
        };
        string[] arguments =
        [
            "-c", "\"$0\" \"$@\"; exit $?", ResolverExecutable.DotnetHost(), ResolverExecutable.ResolverDll(),
            "--listen", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--upstream", upstream.ToString(),
            "--state-dir", Path.Combine(folder, "state"),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("RESOLVER__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["NOTIFY_SOCKET"] = Path.Combine(folder, "notify");
        return Process.Start(start) ?? throw new InvalidOperationException("the shell did not start");
    }

    /// <summary>The resolver: the fake systemd's only child.</summary>
    private static int ResolverPid(int shellPid)
    {
        var children = File.ReadAllText($"/proc/{shellPid}/task/{shellPid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(Assert.Single(children), CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)udp.LocalEndPoint!).Port;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int Kill(int pid, int signal);
    }
}
