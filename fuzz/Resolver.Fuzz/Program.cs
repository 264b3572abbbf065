using System.Globalization;
using Resolver.Fuzz.Engine;
using Resolver.Fuzz.Targets;
using SharpFuzz;

namespace Resolver.Fuzz;

/// <summary>
/// Command line: <c>list</c>; <c>run TARGET [--seconds N] [--iterations N] [--seed S] [--corpus DIR]</c> (the
/// built-in mutation fuzzer); <c>replay TARGET [FILE...]</c>; <c>libfuzzer TARGET</c> and <c>afl TARGET</c> (SharpFuzz
/// entry points for an instrumented build, see fuzz/README.md).
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: Resolver.Fuzz list
               Resolver.Fuzz run TARGET [--seconds N] [--iterations N] [--seed S] [--corpus DIR]
               Resolver.Fuzz replay TARGET [FILE...]     (default: every file of the target's corpus)
               Resolver.Fuzz libfuzzer TARGET            (under libfuzzer-dotnet)
               Resolver.Fuzz afl TARGET                  (under afl-fuzz, out of process)
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "list")
        {
            foreach (var name in FuzzTargets.Names)
            {
                Console.WriteLine($"{name,-16} {FuzzTargets.Create(name)!.Description}");
            }

            return 0;
        }

        if (args.Length < 2 || FuzzTargets.Create(args[1]) is not { } target)
        {
            Console.Error.WriteLine(args.Length < 2 ? Usage : $"unknown target '{args[1]}' (one of {string.Join(", ", FuzzTargets.Names)})");
            return 2;
        }

        switch (args[0])
        {
            case "run":
                return RunMutationFuzzer(target, args[2..]);
            case "replay":
                return Replay(target, args[2..]);
            case "libfuzzer":
                Fuzzer.LibFuzzer.Run(span => target.Execute(span));
                return 0;
            case "afl":
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    target.Execute(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                });
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static int RunMutationFuzzer(IFuzzTarget target, string[] args)
    {
        var seconds = 60.0;
        var iterations = long.MaxValue;
        var seed = Environment.TickCount;
        string? root = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--seconds":
                    seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--iterations":
                    iterations = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--corpus":
                    root = args[i + 1];
                    break;
                default:
                    Console.Error.WriteLine($"unknown option '{args[i]}'");
                    return 2;
            }
        }

        root ??= Corpus.FindRoot();
        var seeds = Corpus.Files(root, target.Name).Select(File.ReadAllBytes).ToList();
        Console.WriteLine(FormattableString.Invariant($"fuzzing {target.Name} for {seconds} s, seed {seed}, {seeds.Count} corpus files from {Path.Combine(root, target.Name)}"));
        var result = MutationFuzzer.Run(target, seeds, new FuzzRunOptions
        {
            Duration = TimeSpan.FromSeconds(seconds),
            MaxIterations = iterations,
            Seed = seed,
            CrashRoot = root,
        });
        Console.WriteLine(result);
        if (!result.Succeeded)
        {
            Console.Error.WriteLine($"failing input ({result.FailingInput!.Length} bytes) saved to {result.CrashFile}");
            Console.Error.WriteLine(result.Failure);
            return 1;
        }

        return 0;
    }

    private static int Replay(IFuzzTarget target, string[] files)
    {
        if (files.Length == 0)
        {
            files = [.. Corpus.Files(Corpus.FindRoot(), target.Name)];
        }

        var failures = 0;
        foreach (var file in files)
        {
            try
            {
                target.Execute(File.ReadAllBytes(file));
            }
            catch (Exception exception)
            {
                failures++;
                Console.Error.WriteLine($"{file}: {exception}");
            }
        }

        Console.WriteLine($"{target.Name}: {files.Length} files replayed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }
}
