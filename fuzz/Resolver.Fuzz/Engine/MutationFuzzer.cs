using System.Diagnostics;
using Resolver.Fuzz.Mutation;
using Resolver.Fuzz.Targets;

namespace Resolver.Fuzz.Engine;

/// <summary>
/// A bounded, dependency-free mutation fuzzer: mutates the seed corpus, runs each input through the target,
/// keeps inputs that produce an outcome not seen before (a cheap stand-in for coverage), and stops at the
/// first exception or broken invariant. Deterministic for a seed, up to wall-clock bounds.
/// </summary>
public static class MutationFuzzer
{
    public static FuzzRunResult Run(IFuzzTarget target, IReadOnlyList<byte[]> seeds, FuzzRunOptions options)
    {
        var random = new Random(options.Seed);
        var mutator = Mutator.For(target);
        var corpus = new List<byte[]>(seeds.Count > 0 ? seeds : [[]]);
        var outcomes = new HashSet<ulong>();
        var stopwatch = Stopwatch.StartNew();
        using var watchdog = new Watchdog(target.Name, options);
        long iterations = 0;

        // The seeds first, unmutated: a regression there is found at once.
        foreach (var seed in corpus.ToArray())
        {
            if (Execute(target, seed, outcomes, watchdog) is { } failure)
            {
                return Failed(target, seeds, options, ++iterations, stopwatch, corpus, outcomes, seed, failure);
            }

            iterations++;
        }

        while (iterations < options.MaxIterations && stopwatch.Elapsed < options.Duration)
        {
            // Check the clock every 64 executions; the rest of the time, just fuzz.
            for (var i = 0; i < 64 && iterations < options.MaxIterations; i++)
            {
                var parent = corpus[random.Next(corpus.Count)];
                var input = mutator.Mutate(parent, corpus, random);
                var before = outcomes.Count;
                if (Execute(target, input, outcomes, watchdog) is { } failure)
                {
                    return Failed(target, seeds, options, ++iterations, stopwatch, corpus, outcomes, input, failure);
                }

                iterations++;
                if (outcomes.Count > before && corpus.Count < options.MaxCorpus)
                {
                    corpus.Add(input);
                }
            }
        }

        return new FuzzRunResult(target.Name, iterations, stopwatch.Elapsed, seeds.Count, corpus.Count, outcomes.Count);
    }

    private static Exception? Execute(IFuzzTarget target, byte[] input, HashSet<ulong> outcomes, Watchdog watchdog)
    {
        watchdog.Begin(input);
        try
        {
            outcomes.Add(target.Execute(input));
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
        finally
        {
            watchdog.End();
        }
    }

    private static FuzzRunResult Failed(IFuzzTarget target, IReadOnlyList<byte[]> seeds, FuzzRunOptions options, long iterations, Stopwatch stopwatch, List<byte[]> corpus, HashSet<ulong> outcomes, byte[] input, Exception failure)
    {
        var crashFile = options.CrashRoot is null ? null : Corpus.WriteCrash(options.CrashRoot, target.Name, input);
        return new FuzzRunResult(target.Name, iterations, stopwatch.Elapsed, seeds.Count, corpus.Count, outcomes.Count)
        {
            FailingInput = input,
            Failure = failure,
            CrashFile = crashFile,
        };
    }

    /// <summary>Saves the running input and ends the process when one execution hangs (a loop the target never leaves).</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly string _target;
        private readonly FuzzRunOptions _options;
        private readonly Timer _timer;
        private byte[]? _current;
        private long _started;

        public Watchdog(string target, FuzzRunOptions options)
        {
            _target = target;
            _options = options;
            _timer = new Timer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        public void Begin(byte[] input)
        {
            _current = input;
            Volatile.Write(ref _started, Stopwatch.GetTimestamp());
        }

        public void End() => Volatile.Write(ref _started, 0);

        public void Dispose() => _timer.Dispose();

        private void Check()
        {
            var started = Volatile.Read(ref _started);
            if (started == 0 || Stopwatch.GetElapsedTime(started) < _options.HangTimeout || _current is not { } input)
            {
                return;
            }

            var file = _options.CrashRoot is null ? "(not saved)" : Corpus.WriteCrash(_options.CrashRoot, _target, input);
            Console.Error.WriteLine($"{_target}: one execution ran over {_options.HangTimeout.TotalSeconds} s (a hang); input saved to {file}");
            Environment.Exit(3);
        }
    }
}
