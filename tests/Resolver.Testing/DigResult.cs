using System.Text.RegularExpressions;

namespace Resolver.Testing;

/// <summary>The parts of dig's output that tests assert on.</summary>
public sealed partial class DigResult
{
    private DigResult(string output, int exitCode)
    {
        Output = output;
        ExitCode = exitCode;
    }

    public string Output { get; }

    public int ExitCode { get; }

    /// <summary>NOERROR, NXDOMAIN, SERVFAIL, ... or null when no answer came.</summary>
    public string? Status { get; private init; }

    public IReadOnlySet<string> Flags { get; private init; } = new HashSet<string>();

    /// <summary>Answer-section lines as "name ttl class type rdata", whitespace collapsed.</summary>
    public IReadOnlyList<string> Answers { get; private init; } = [];

    public string? EdnsFlags { get; private init; }

    public int? EdnsUdpSize { get; private init; }

    /// <summary>The question name exactly as dig printed it (case kept).</summary>
    public string? QuestionName { get; private init; }

    public bool RetriedOverTcp => Output.Contains("Truncated, retrying in TCP mode", StringComparison.Ordinal);

    public static DigResult Parse(string output, int exitCode)
    {
        var status = StatusPattern().Match(output);
        var flags = FlagsPattern().Match(output);
        var edns = EdnsPattern().Match(output);
        var answers = new List<string>();
        string? question = null;
        var section = string.Empty;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith(";; ", StringComparison.Ordinal) && line.EndsWith("SECTION:", StringComparison.Ordinal))
            {
                section = line;
                continue;
            }

            if (line.Length == 0)
            {
                section = string.Empty;
                continue;
            }

            if (section.Contains("QUESTION", StringComparison.Ordinal) && line.StartsWith(';'))
            {
                question = line[1..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0];
            }
            else if (section.Contains("ANSWER", StringComparison.Ordinal) && !line.StartsWith(';'))
            {
                answers.Add(string.Join(' ', line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)));
            }
        }

        return new DigResult(output, exitCode)
        {
            Status = status.Success ? status.Groups[1].Value : null,
            Flags = flags.Success ? new HashSet<string>(flags.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)) : new HashSet<string>(),
            Answers = answers,
            EdnsFlags = edns.Success ? edns.Groups[1].Value.Trim() : null,
            EdnsUdpSize = edns.Success ? int.Parse(edns.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
            QuestionName = question,
        };
    }

    public override string ToString() => Output;

    [GeneratedRegex(@"status: ([A-Z]+)")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@";; flags: ([a-z ]*);")]
    private static partial Regex FlagsPattern();

    [GeneratedRegex(@"; EDNS: version: \d+, flags:([a-z ]*); udp: (\d+)")]
    private static partial Regex EdnsPattern();
}
