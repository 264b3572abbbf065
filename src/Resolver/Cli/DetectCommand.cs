using System.Globalization;
using Resolver.Detection;
using Resolver.Detection.Findings;

namespace Resolver.Cli;

/// <summary>
/// <c>resolver detect --flow-logs PATH…</c>: reads VPC flow logs, learns which DNS resolvers, DoH and DoT
/// servers each instance uses and writes GuardDuty-style findings for new ones as JSON lines on standard
/// output, one per finding with its final count. Diagnostics and a summary go to standard error. Exit code
/// 2 when it cannot run (a missing file, an unreadable state or catalog, a bad address); bad lines are not
/// failures.
/// </summary>
public static class DetectCommand
{
    public static int Run(DetectSettings settings, TextWriter stdout, TextWriter stderr)
    {
        var options = new DetectionOptions();
        if (settings.LearningWindow is { } window)
        {
            options.LearningWindow = window;
        }

        if (settings.AccountId is not null)
        {
            if (settings.AccountId.Length != 12 || !settings.AccountId.All(char.IsAsciiDigit))
            {
                return Fail(stderr, $"--account-id '{settings.AccountId}' must be 12 digits");
            }

            options.AccountId = settings.AccountId;
        }

        if (settings.Region is not null)
        {
            options.Region = settings.Region;
        }

        foreach (var file in settings.ServiceFiles)
        {
            options.ServiceFiles.Add(file);
        }

        foreach (var entry in settings.Allow)
        {
            options.AllowedResolvers.Add(entry);
        }

        List<string> files;
        FlowLogDetectionSession session;
        try
        {
            files = [.. settings.FlowLogs.SelectMany(FlowLogDetectionSession.FilesOf)];
            session = FlowLogDetectionSession.Open(options, settings.StateFile);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, exception.Message);
        }

        var unreadable = 0;
        foreach (var file in files)
        {
            try
            {
                session.ReadFile(file, follow: false, diagnostic => stderr.WriteLine(diagnostic.ToString()));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"{file}: cannot read: {exception.Message}");
                unreadable++;
            }
        }

        var findings = session.TakeChangedFindings();
        new FindingWriter(stdout).Write(findings);
        try
        {
            session.Save();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, $"state file '{settings.StateFile}' cannot be written: {exception.Message}");
        }

        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"resolver detect: {files.Count} file(s), {session.RecordsRead} record(s) read, {session.BadLines} bad line(s), {findings.Count} finding(s)");
        stderr.WriteLine(unreadable > 0 ? string.Create(CultureInfo.InvariantCulture, $"{summary}, {unreadable} file(s) unreadable") : summary);
        return ResolverCommandLine.ExitOk;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"resolver detect: {message}");
        return ResolverCommandLine.ExitInvalidConfiguration;
    }
}
