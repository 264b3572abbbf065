using Resolver.Fuzz.Engine;
using Resolver.Fuzz.Targets;

namespace Resolver.Fuzz.Tests;

/// <summary>
/// Every file of <c>fuzz/corpus/TARGET/</c> (seeds and the crash-* inputs of fixed bugs) through its target, with
/// the target's invariants: one test case per file, so a regression names the input that brings it back.
/// </summary>
public sealed class CorpusReplayTests
{
    private static readonly Dictionary<string, IFuzzTarget> Targets = FuzzTargets.Names.ToDictionary(name => name, name => FuzzTargets.Create(name)!);

    public static TheoryData<string, string> CorpusFiles()
    {
        var root = Corpus.FindRoot();
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.Names)
        {
            foreach (var file in Corpus.Files(root, target))
            {
                data.Add(target, Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_corpus_input_is_handled_without_an_exception(string target, string file)
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus.FindRoot(), target, file));

        lock (Targets[target])
        {
            Targets[target].Execute(input);
        }
    }

    [Fact]
    public void Every_target_has_a_seed_corpus()
    {
        var root = Corpus.FindRoot();

        foreach (var target in FuzzTargets.Names)
        {
            Assert.True(Corpus.Files(root, target).Count >= 5, $"fuzz/corpus/{target} has fewer than 5 inputs");
        }
    }
}
