namespace Resolver.Fuzz.Engine;

/// <summary>Bounds of one mutation-fuzzing run: it stops at whichever limit comes first, or at the first failure.</summary>
public sealed record FuzzRunOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public long MaxIterations { get; init; } = long.MaxValue;

    public int Seed { get; init; }

    /// <summary>Where crash files go (<c>ROOT/TARGET/crash-HASH</c>); null keeps them in memory only (tests).</summary>
    public string? CrashRoot { get; init; }

    /// <summary>Inputs that gave a new outcome are kept for further mutation, up to this many.</summary>
    public int MaxCorpus { get; init; } = 4096;

    /// <summary>One execution longer than this is a hang: the input is saved and the process ends.</summary>
    public TimeSpan HangTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
