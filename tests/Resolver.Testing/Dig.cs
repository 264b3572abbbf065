using System.Diagnostics;
using System.Net;

namespace Resolver.Testing;

/// <summary>Runs the real <c>dig</c> (bind9-dnsutils, installed by .ci/run) against a loopback server.</summary>
public static class Dig
{
    public static async Task<DigResult> QueryAsync(IPEndPoint server, string name, string type = "A", params string[] options)
    {
        if (!IPAddress.IsLoopback(server.Address))
        {
            throw new ArgumentException("tests only query loopback servers", nameof(server));
        }

        var start = new ProcessStartInfo("dig")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { $"@{server.Address}", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), name, type, "+tries=1", "+time=5" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("dig did not start");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("dig is not installed: apt-get install bind9-dnsutils (.ci/run does this)", exception);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dig {string.Join(' ', start.ArgumentList)} did not finish in 30 s");
            }

            return DigResult.Parse(await output + await error, process.ExitCode);
        }
    }
}
