using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Resolver.Detection.Findings;
using Resolver.Detection.Hosting;
using static Resolver.Detection.Tests.FlowLogFolder;

namespace Resolver.Detection.Tests.Hosting;

public sealed class FlowLogFollowerTests : IDisposable
{
    private readonly FlowLogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task The_follower_picks_up_appended_lines_within_seconds_and_a_restart_does_not_read_them_again()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_logs.Path, "logs")).FullName;
        var findingsFile = Path.Combine(_logs.Path, "out", "findings.jsonl");
        var file = Path.Combine(folder, "eni-1.log");
        File.WriteAllText(file, Header + "\n" + Line("8.8.8.8", start: T0) + "\n");

        using (var follower = Follower(folder, findingsFile))
        {
            await follower.StartAsync(CancellationToken.None);
            File.AppendAllText(file, Line("1.1.1.1", start: T0 + (31 * Day)) + "\n");
            var finding = await WaitForFindingAsync(findingsFile, count: 1);
            await follower.StopAsync(CancellationToken.None);

            Assert.Equal(FindingTypes.UnusualDnsResolver, finding.Type);
        }

        using (var restarted = Follower(folder, findingsFile))
        {
            await restarted.StartAsync(CancellationToken.None);
            File.AppendAllText(file, Line("1.1.1.1", start: T0 + (31 * Day) + 50) + "\n");
            var finding = await WaitForFindingAsync(findingsFile, count: 2);
            await restarted.StopAsync(CancellationToken.None);

            Assert.Equal(2, finding.Service.Count);
        }
    }

    [Fact]
    public void Detection_is_registered_only_when_a_flow_log_folder_is_configured()
    {
        static int Followers(Dictionary<string, string?> settings)
        {
            var services = new ServiceCollection();
            services.AddFlowLogDetection(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _ => "/tmp");
            return services.Count(service => service.ServiceType == typeof(IHostedService));
        }

        Assert.Equal(0, Followers([]));
        Assert.Equal(1, Followers(new() { ["Resolver:Detection:FlowLogFolder"] = "/var/log/flows" }));
    }

    private FlowLogFollower Follower(string folder, string findingsFile)
    {
        var options = new DetectionOptions { FlowLogFolder = folder, PollInterval = TimeSpan.FromMilliseconds(50) };
        return new FlowLogFollower(options, _logs.StateFile, findingsFile, NullLogger<FlowLogFollower>.Instance);
    }

    /// <summary>Waits (at most 5 s) for the findings file to hold <paramref name="count"/> lines; returns the last.</summary>
    private static async Task<Finding> WaitForFindingAsync(string findingsFile, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(findingsFile))
            {
                var lines = File.ReadAllLines(findingsFile);
                if (lines.Length >= count)
                {
                    Assert.Equal(count, lines.Length);
                    return FindingWriter.FromJson(lines[^1]);
                }
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"no finding {count} in {findingsFile} within 5 s");
    }
}
