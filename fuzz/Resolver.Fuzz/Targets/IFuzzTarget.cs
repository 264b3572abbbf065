namespace Resolver.Fuzz.Targets;

/// <summary>
/// One fuzzed surface. <see cref="Execute"/> runs an input through it and checks its invariants: it throws
/// <see cref="FuzzInvariantException"/> when one breaks, and any other exception escaping it is a bug too.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name on the command line and of the corpus folder (<c>fuzz/corpus/NAME</c>).</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>How the mutation fuzzer treats inputs: DNS messages or lines of text.</summary>
    InputKind Kind { get; }

    /// <summary>Tokens the text mutator inserts (keywords, separators, tricky values); empty for binary targets.</summary>
    IReadOnlyList<string> Dictionary { get; }

    /// <summary>Runs one input and returns a small outcome signature (which path it took), the fuzzer's feedback.</summary>
    ulong Execute(ReadOnlySpan<byte> input);
}
