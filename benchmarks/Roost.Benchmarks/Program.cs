using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Roost.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
