namespace Resolver.Fuzz.Engine;

/// <summary>What a run did: executions, time, the corpus it grew to, and the first failure if any.</summary>
public sealed record FuzzRunResult(string Target, long Iterations, TimeSpan Elapsed, int SeedInputs, int CorpusSize, int Outcomes)
{
    public byte[]? FailingInput { get; init; }

    public Exception? Failure { get; init; }

    public string? CrashFile { get; init; }

    public bool Succeeded => Failure is null;

    public double IterationsPerSecond => Elapsed.TotalSeconds > 0 ? Iterations / Elapsed.TotalSeconds : 0;

    public override string ToString() =>
        FormattableString.Invariant($"{Target}: {Iterations:N0} executions in {Elapsed.TotalSeconds:F1} s ({IterationsPerSecond:N0}/s), {SeedInputs} seeds, corpus {CorpusSize}, {Outcomes} distinct outcomes, {(Succeeded ? "no failure" : "FAILED")}");
}
