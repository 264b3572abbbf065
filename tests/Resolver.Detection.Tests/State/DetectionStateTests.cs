using Resolver.Detection.Baseline;
using static Resolver.Detection.Tests.FlowLogFolder;

namespace Resolver.Detection.Tests.State;

public sealed class DetectionStateTests : IDisposable
{
    private const long AfterLearning = T0 + (31 * Day);

    private readonly FlowLogFolder _logs = new();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public void State_persists_across_two_runs_and_the_second_continues_the_count_under_the_same_id()
    {
        var first = _logs.Write("1.log", Line("8.8.8.8", start: T0), Line("1.1.1.1", start: AfterLearning), Line("1.1.1.1", start: AfterLearning + 10));
        var second = _logs.Write("2.log", Line("1.1.1.1", start: AfterLearning + 100), Line("9.9.9.9", start: AfterLearning + 100));

        var one = Assert.Single(Detection.Run(first, _logs.StateFile).Findings);
        var two = Detection.Run([first, second], _logs.StateFile).Findings;

        Assert.Equal(2, one.Service.Count);
        Assert.Equal(2, two.Count);
        var again = Assert.Single(two, finding => finding.Id == one.Id);
        Assert.Equal(3, again.Service.Count);
        Assert.Equal(one.CreatedAt, again.CreatedAt);
        Assert.Equal(one.Service.EventFirstSeen, again.Service.EventFirstSeen);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(AfterLearning + 160), again.UpdatedAt);
        Assert.Contains(two, finding => finding.Service.Action.NetworkConnectionAction!.RemoteIpDetails.IpAddressV4 == "9.9.9.9");
    }

    [Fact]
    public void A_file_read_by_an_earlier_run_is_not_read_twice()
    {
        var file = _logs.Write("1.log", Line("8.8.8.8", start: T0), Line("1.1.1.1", start: AfterLearning));
        Detection.Run(file, _logs.StateFile);

        var again = Detection.Run(file, _logs.StateFile);
        File.AppendAllText(file, Line("1.1.1.1", start: AfterLearning + 5) + "\n");
        var appended = Detection.Run(file, _logs.StateFile);

        Assert.Empty(again.Findings);
        Assert.Equal(0, again.Session.RecordsRead);
        Assert.Equal(1, appended.Session.RecordsRead);
        Assert.Equal(2, Assert.Single(appended.Findings).Service.Count);
    }

    [Fact]
    public void The_state_is_written_atomically_and_holds_no_temporary_file()
    {
        Detection.Run(_logs.Write("1.log", Line("8.8.8.8", start: T0)), _logs.StateFile);

        Assert.Equal(["state.json"], Directory.GetFiles(Path.GetDirectoryName(_logs.StateFile)!).Select(Path.GetFileName));
        Assert.Contains("\"instances\"", File.ReadAllText(_logs.StateFile), StringComparison.Ordinal);
    }

    [Fact]
    public void The_baseline_prunes_entries_older_than_the_window()
    {
        var file = _logs.Write(
            "1.log",
            Line("8.8.8.8", start: T0),
            Line("1.1.1.1", start: T0 + Day),
            Line("9.9.9.9", eni: "eni-gone", start: T0 + Day),
            Line("8.8.8.8", start: T0 + (40 * Day)));

        var run = Detection.Run(file, _logs.StateFile);

        var instance = Assert.Single(run.Session.Baseline.Instances);
        Assert.Equal("eni-1", instance.Key);
        Assert.Equal([(BypassKind.Dns, "8.8.8.8")], instance.Remotes.Keys);
        Assert.DoesNotContain("1.1.1.1", File.ReadAllText(_logs.StateFile), StringComparison.Ordinal);
        Assert.DoesNotContain("eni-gone", File.ReadAllText(_logs.StateFile), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_state_file_stops_the_run_with_a_clear_message()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_logs.StateFile)!);
        File.WriteAllText(_logs.StateFile, "{ not json");

        var exception = Assert.Throws<InvalidDataException>(() => FlowLogDetectionSession.Open(new DetectionOptions(), _logs.StateFile));

        Assert.Contains($"state file '{_logs.StateFile}' cannot be read", exception.Message, StringComparison.Ordinal);
    }
}
