using System.Diagnostics;
using System.Globalization;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// kill -9 under load (issue 4): a three-node cluster takes a steady stream of appends while nodes, often the
/// leader, are killed and restarted on their data directories, and finally all three at once. Every acknowledged
/// entry must be in every node's log at the index and term it was acknowledged with, and the logs must agree.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output, Report report) : IClassFixture<Report>
{
    private const int Kills = 5;
    private static readonly TimeSpan ElectionDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AppendDeadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Killed_and_restarted_nodes_lose_no_acknowledged_entry()
    {
        var seed = Environment.GetEnvironmentVariable("HTTPRAFT_CRASH_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        report.Line(output, $"Crash test seed {seed} (replay with HTTPRAFT_CRASH_SEED={seed})");
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();

        await using var cluster = LocalCluster.Start(3);
        var acknowledged = new List<Acknowledged>();
        var attempts = 0;
        try
        {
            await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, ElectionDeadline);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var entry = $"writer {w} entry {i}";
                    Interlocked.Increment(ref attempts);
                    var ack = await TryAppendAsync(cluster, cluster.Nodes[(w + i) % 3], entry);
                    if (ack is not null)
                    {
                        lock (acknowledged) acknowledged.Add(ack);
                    }
                    else
                    {
                        await Task.Delay(50);
                    }
                }
            })).ToList();

            var killedLeaders = 0;
            for (var round = 0; round < Kills; round++)
            {
                await Task.Delay(random.Next(700, 1500));
                var leader = await CurrentLeaderAsync(cluster);
                var victim = random.Next(3) < 2 && leader is not null ? leader : cluster.Nodes[random.Next(3)];
                if (victim == leader) killedLeaders++;
                victim.Process.Kill();
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: killed node {victim.Id}{(victim == leader ? " (the leader)" : "")}; {Count(acknowledged)} acknowledged so far");
                await Task.Delay(random.Next(200, 800));
                await cluster.RestartAsync(victim.Id);
            }

            await Task.Delay(1000);
            foreach (var node in cluster.Nodes) node.Process.Kill();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: killed all three; {Count(acknowledged)} acknowledged so far");
            for (var id = 0; id < 3; id++) await cluster.RestartAsync(id);
            await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, ElectionDeadline);
            await Task.Delay(1000);
            await stop.CancelAsync();
            await Task.WhenAll(writers);

            // One last entry through the leader commits everything before it on every node in its term.
            var (final, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, ElectionDeadline);
            acknowledged.Add(await cluster.AppendAsync(final, "final", TimeSpan.FromSeconds(15)));
            var last = acknowledged.Max(a => a.Index);
            foreach (var node in cluster.Nodes) await cluster.WaitForStatusAsync(node, s => s.CommitIndex >= last, ElectionDeadline);

            var logs = new List<List<LogEntry>>();
            foreach (var node in cluster.Nodes) logs.Add((await cluster.ReadLogAsync(node)).Entries);
            var common = logs.Min(l => l.Count);
            foreach (var log in logs.Skip(1)) Assert.Equal(logs[0].Take(common), log.Take(common));
            var lost = 0;
            foreach (var log in logs)
            {
                var byIndex = log.ToDictionary(e => e.Index);
                foreach (var ack in acknowledged)
                {
                    if (!byIndex.TryGetValue(ack.Index, out var entry) || new Acknowledged(entry.Index, entry.Term, entry.Entry) != ack)
                    {
                        lost++;
                        output.WriteLine($"acknowledged {ack} but the log holds {(entry is null ? "nothing" : entry.ToString())}");
                    }
                }
            }
            report.Line(output, $"Crash test (seed {seed}): {Kills} single kills ({killedLeaders} of the leader) + 1 kill of all three; "
                + $"{acknowledged.Count} of {attempts} appends acknowledged; {lost} acknowledged entries lost; all 3 logs identical over {common} entries; {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(0, lost);
            foreach (var node in cluster.Nodes)
            {
                // The default data directory, ./data/node-<id> under the working directory, holds the log.
                var data = Path.Combine(node.WorkingDirectory, "data", $"node-{node.Id}");
                Assert.True(File.Exists(Path.Combine(data, "LOCK")), $"{data} has no LOCK file");
                Assert.NotEmpty(Directory.GetFiles(data, "wal-*.seg"));
            }
        }
        catch
        {
            output.WriteLine($"seed {seed}");
            output.WriteLine(cluster.Transcripts());
            throw;
        }
    }

    private static int Count(List<Acknowledged> acknowledged)
    {
        lock (acknowledged) return acknowledged.Count;
    }

    /// <summary>One append, following redirects; null when it was not acknowledged (a node died, no leader in time).</summary>
    private static async Task<Acknowledged?> TryAppendAsync(LocalCluster cluster, ClusterNode node, string entry)
    {
        try
        {
            return await cluster.AppendAsync(node, entry, AppendDeadline);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException)
        {
            return null;
        }
    }

    private static async Task<ClusterNode?> CurrentLeaderAsync(LocalCluster cluster)
    {
        foreach (var node in cluster.Nodes)
        {
            if (await cluster.TryStatusAsync(node) is { IsLeader: true }) return node;
        }
        return null;
    }
}
