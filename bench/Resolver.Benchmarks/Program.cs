using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Resolver.Benchmarks.WireBenchmarks).Assembly).Run(args);
