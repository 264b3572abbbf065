using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "--matcher-scale")
{
    Resolver.Benchmarks.MatcherScale.Measure();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Resolver.Benchmarks.WireBenchmarks).Assembly).Run(args);
