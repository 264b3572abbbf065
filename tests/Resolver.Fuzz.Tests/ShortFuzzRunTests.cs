using Resolver.Fuzz.Engine;
using Resolver.Fuzz.Targets;

namespace Resolver.Fuzz.Tests;

/// <summary>
/// A bounded mutation-fuzzing run per target with a fixed seed, small enough for every CI run: about 10 s in
/// all (each target stops at its time share or its iteration count, whichever comes first). A failure shows
/// the input, hex-encoded, so it can be saved to the corpus as a crash-* file.
/// </summary>
public sealed class ShortFuzzRunTests
{
    private const int Seed = 20240607;

    private static readonly TimeSpan TotalBudget = TimeSpan.FromSeconds(10);

    public static TheoryData<string> TargetNames() => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void A_short_seeded_fuzz_run_finds_no_failure(string name)
    {
        var target = FuzzTargets.Create(name)!;
        var seeds = Corpus.Files(Corpus.FindRoot(), name).Select(File.ReadAllBytes).ToList();

        var result = MutationFuzzer.Run(target, seeds, new FuzzRunOptions
        {
            Duration = TotalBudget / FuzzTargets.Names.Count,
            MaxIterations = 20_000,
            Seed = Seed,
        });

        Assert.True(result.Succeeded, $"{result}\ninput: {Convert.ToHexString(result.FailingInput ?? [])}\n{result.Failure}");
        Assert.True(result.Iterations > seeds.Count, $"{result}: the run did not get past the seeds");
    }

    [Fact]
    public void The_fuzzer_reports_an_exception_with_the_input_that_raised_it()
    {
        var result = MutationFuzzer.Run(new ThrowingTarget(), [[1, 2, 3]], new FuzzRunOptions { Duration = TimeSpan.FromSeconds(5), Seed = 1 });

        Assert.False(result.Succeeded);
        Assert.IsType<FuzzInvariantException>(result.Failure);
        Assert.Contains((byte)0xC0, result.FailingInput!);
    }

    /// <summary>Fails on any input holding a compression-pointer byte, which the DNS mutator soon makes.</summary>
    private sealed class ThrowingTarget : IFuzzTarget
    {
        public string Name => "throwing";

        public string Description => "test";

        public InputKind Kind => InputKind.DnsMessage;

        public IReadOnlyList<string> Dictionary => [];

        public ulong Execute(ReadOnlySpan<byte> input)
        {
            FuzzInvariantException.Check(!input.Contains((byte)0xC0), "0xC0 seen");
            return (ulong)input.Length;
        }
    }
}
