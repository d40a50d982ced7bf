using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Tether.Benchmarks -- --filter '*'   (see BENCHMARKS.md)
BenchmarkSwitcher.FromAssembly(typeof(Tether.Benchmarks.PublishBenchmarks).Assembly).Run(args);
