using System.Globalization;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>
/// Issue 16's fault-injection suite, Jepsen style, over real node processes: partitions (halves, the leader alone,
/// one-way, bridge, flapping), SIGSTOP pauses, slow and stalled disks, kill -9, leadership transfers, membership
/// changes and retention cuts (one forcing a snapshot catch-up), one or two at a time on a seeded plan that deals
/// every kind at least once per seed, while keyed and unkeyed writers, linearizable and local readers and tails
/// record a history that <see cref="NemesisChecker"/> judges. CI runs two short seeds; <c>tests/nemesis.sh</c> runs
/// long ones through the same test (docs/testing.md, "Fault injection").
/// </summary>
public sealed class NemesisTests(ITestOutputHelper output, Report report) : IClassFixture<Report>
{
    private const int DefaultSeeds = 2;
    private const int DefaultSeconds = 30;

    [Fact]
    public async Task Under_every_nemesis_no_acknowledged_append_is_lost_or_doubled_and_reads_stay_linearizable()
    {
        var seeds = Seeds();
        var seconds = Environment.GetEnvironmentVariable("HTTPRAFT_NEMESIS_SECONDS") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : DefaultSeconds;
        report.Line(output, $"Nemesis seeds {string.Join(",", seeds)}, {seconds} s each (replay with HTTPRAFT_NEMESIS_SEEDS={string.Join(",", seeds)} HTTPRAFT_NEMESIS_SECONDS={seconds})");
        var results = new List<NemesisResult>();
        foreach (var seed in seeds)
        {
            report.Line(output, $"Nemesis seed {seed}: replay with HTTPRAFT_NEMESIS_SEEDS={seed}");
            // The timeline goes out live (as diagnostic messages), so a long run can be followed as it goes.
            var result = await new NemesisRun(seed, TimeSpan.FromSeconds(seconds), line => report.Line(output, line)).RunAsync();
            foreach (var violation in result.Violations.Take(20)) output.WriteLine($"violation (seed {seed}): {violation}");
            report.Line(output, $"nemesis result {NemesisResult.Header}");
            report.Line(output, $"nemesis result {result.Row()}");
            results.Add(result);
        }

        Assert.All(results, r => Assert.True(r.Faults.Values.Sum() > 0 && r.Acknowledged > 0, $"seed {r.Seed} injected {r.Faults.Values.Sum()} faults and saw {r.Acknowledged} acknowledgements"));
        var missing = results[0].Kinds.Where(k => results.All(r => !r.Faults.ContainsKey(k))).ToList();
        Assert.True(missing.Count == 0, $"kinds never injected in any seed: {string.Join(", ", missing)}");
        Assert.All(results, r => Assert.True(r.Violations.Count == 0, $"seed {r.Seed}: {r.Violations.Count} violations, first: {(r.Violations.Count > 0 ? r.Violations[0] : "")}"));
    }

    /// <summary><c>HTTPRAFT_NEMESIS_SEEDS=1,2,3</c> replays those seeds; by default a few random ones.</summary>
    private static List<int> Seeds() =>
        Environment.GetEnvironmentVariable("HTTPRAFT_NEMESIS_SEEDS") is { Length: > 0 } list
            ? [.. list.Split(',').Select(s => int.Parse(s.Trim(), CultureInfo.InvariantCulture))]
            : [.. Enumerable.Range(0, DefaultSeeds).Select(_ => Random.Shared.Next(1, 1_000_000))];
}
