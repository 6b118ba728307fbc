using System.Diagnostics;
using Xunit.Abstractions;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// The seeded fault-injecting simulation, the main test of the consensus core.
/// HTTPRAFT_SIM_SEEDS sets how many seeds run (default 1,000), HTTPRAFT_SIM_FIRST_SEED where they start;
/// HTTPRAFT_SIM_SEED replays one seed, with HTTPRAFT_SIM_TRACE=1 printing every event.
/// </summary>
public sealed class SimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Safety_holds_and_a_leader_commits_after_healing_for_every_seed()
    {
        var count = EnvInt("HTTPRAFT_SIM_SEEDS", 1000);
        var first = EnvInt("HTTPRAFT_SIM_FIRST_SEED", 1);
        var failures = new System.Collections.Concurrent.ConcurrentBag<(int Seed, string Message)>();
        var totals = new SimulationTotals();
        var clock = Stopwatch.StartNew();
        Parallel.For(first, first + count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var run = new SimulationRun(seed);
            try
            {
                run.Run();
            }
            catch (SimulationFailureException failure)
            {
                failures.Add((seed, failure.Message));
            }
            totals.Add(run);
        });
        output.WriteLine($"seeds {first}..{first + count - 1}: {totals}, {clock.Elapsed.TotalSeconds:F1} s, {failures.Count} violations");
        var firstFailure = failures.OrderBy(f => f.Seed).FirstOrDefault();
        Assert.True(failures.IsEmpty, $"{failures.Count} seed(s) failed: {string.Join(", ", failures.Select(f => f.Seed).Order())}\n{firstFailure.Message}");
    }

    [Fact]
    public void ReplaySeed()
    {
        var seed = EnvInt("HTTPRAFT_SIM_SEED", 1);
        var traced = Environment.GetEnvironmentVariable("HTTPRAFT_SIM_TRACE") == "1";
        using var trace = new StringWriter();
        var run = new SimulationRun(seed, traced ? trace : null);
        try
        {
            run.Run();
        }
        finally
        {
            if (traced) output.WriteLine(trace.ToString());
        }
        var totals = new SimulationTotals();
        totals.Add(run);
        output.WriteLine($"seed {seed}: {run.ClusterSize} voters at first, {totals}");
    }

    [Fact]
    public void The_same_seed_replays_the_same_run()
    {
        string Trace(int seed)
        {
            using var writer = new StringWriter();
            new SimulationRun(seed, writer).Run();
            return writer.ToString();
        }
        Assert.Equal(Trace(42), Trace(42));
        Assert.NotEqual(Trace(42), Trace(43));
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;
}
