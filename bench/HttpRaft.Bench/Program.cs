using BenchmarkDotNet.Running;
using HttpRaft.Bench;

// dotnet run -c Release --project bench/HttpRaft.Bench -- --filter '*' [--job short]
// dotnet run -c Release --project bench/HttpRaft.Bench -- memory [entries]
if (args.Length > 0 && args[0] == "memory")
{
    MemoryFootprint.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The entry point's type, for <see cref="BenchmarkSwitcher"/>.</summary>
public partial class Program;
