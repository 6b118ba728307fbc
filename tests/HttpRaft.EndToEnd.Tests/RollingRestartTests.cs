using System.Collections.Concurrent;
using System.Diagnostics;
using HttpRaft.EndToEnd.Tests.History;
using Xunit.Abstractions;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// A rolling restart of real processes under load, as an operator upgrades a cluster: every node in turn, the leader
/// included, gets SIGTERM (a leader hands over first), is started again on its data directory and catches up. Writers
/// use a careful client (follow 307, retry a 503 or a refused connection under the same Idempotency-Key): nothing
/// acknowledged may be lost or doubled, and every append must eventually be acknowledged.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Writers = 4;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_rolling_restart_under_load_loses_nothing_doubles_nothing_and_fails_no_append()
    {
        await using var cluster = LocalCluster.Start(3);
        var clock = Stopwatch.StartNew();
        var clients = new HistoryClients(cluster, clock, $"roll-{Environment.ProcessId}", "local");
        var (leader, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, 0, TimeSpan.FromSeconds(30));
        var appends = new ConcurrentBag<AppendOp>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(clients, w, appends, stop.Token))).ToArray();
        await WaitForAcknowledgedAsync(appends, 50);
        var rollStart = clock.ElapsedTicks;

        // Followers first, then the leader, as an operator would: one leader change, and it is a transfer.
        var order = cluster.Nodes.Select(n => n.Id).Where(id => id != leader.Id).Append(leader.Id).ToList();
        var report = new List<string>();
        foreach (var id in order) report.Add(await RestartAsync(cluster, id, appends));
        var rollEnd = clock.ElapsedTicks;
        await WaitForAcknowledgedAsync(appends, 50);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var all = appends.ToList();
        var acknowledged = all.Where(a => a.Acknowledged is not null).ToList();
        var gap = LongestGap(acknowledged, rollStart, rollEnd);
        output.WriteLine($"rolling restart: {all.Count} appends, {acknowledged.Count} acknowledged, longest gap between acknowledgements {gap:F0} ms");
        foreach (var line in report) output.WriteLine(line);
        foreach (var slow in all.OrderByDescending(a => a.End - a.Start).Take(3))
        {
            output.WriteLine($"slowest: {slow.Entry}, {(slow.End - slow.Start) * 1000 / Stopwatch.Frequency} ms from {slow.Start * 1000 / Stopwatch.Frequency} ms into the run");
        }
        Assert.True(all.Count == acknowledged.Count, $"{all.Count - acknowledged.Count} appends were never acknowledged");
        await AssertLogsHoldEveryAppendOnceAsync(cluster, acknowledged);
    }

    private static async Task WriteAsync(HistoryClients clients, int writer, ConcurrentBag<AppendOp> appends, CancellationToken stop)
    {
        var random = new Random(writer);
        for (var i = 0; !stop.IsCancellationRequested; i++) appends.Add(await clients.AppendAsync($"w{writer}-{i}", random));
    }

    /// <summary>SIGTERM to node <paramref name="id"/>, then start it again and wait until it has caught up with the leader.</summary>
    private static async Task<string> RestartAsync(LocalCluster cluster, int id, ConcurrentBag<AppendOp> appends)
    {
        var node = cluster.Nodes[id];
        var wasLeader = (await cluster.TryStatusAsync(node))?.IsLeader == true;
        var clock = Stopwatch.StartNew();
        node.Process.Terminate();
        var exitCode = await node.Process.WaitForExitAsync(StopTimeout);
        var stopped = clock.ElapsedMilliseconds;
        Assert.True(exitCode == 0, $"node {id} exited with {exitCode} after SIGTERM:\n{node.Process.Transcript()}");

        var others = cluster.Nodes.Where(n => n.Id != id).ToList();
        var (leader, status) = await cluster.WaitForLeaderAsync(others, 0, TimeSpan.FromSeconds(30));
        var restarted = await cluster.RestartAsync(id);
        await WaitForAcknowledgedAsync(appends, 20);
        var target = (await cluster.WaitForStatusAsync(leader, _ => true, TimeSpan.FromSeconds(10))).CommitIndex;
        await cluster.WaitForStatusAsync(restarted, s => s.CommitIndex >= target, CatchUpTimeout);
        return $"node {id}{(wasLeader ? " (the leader)" : "")}: stopped {stopped} ms after SIGTERM with exit code 0; node {leader.Id} leads term {status.Term}; " +
            $"caught up to {target} {clock.ElapsedMilliseconds} ms after SIGTERM";
    }

    private static Task WaitForAcknowledgedAsync(ConcurrentBag<AppendOp> appends, int more)
    {
        var target = appends.Count(a => a.Acknowledged is not null) + more;
        return Poll.UntilAsync(() => appends.Count(a => a.Acknowledged is not null) >= target, TimeSpan.FromSeconds(60), $"{more} more acknowledged appends");
    }

    /// <summary>The longest time, in milliseconds, between consecutive acknowledgements that arrived within [from, to] (stopwatch ticks).</summary>
    private static double LongestGap(IEnumerable<AppendOp> acknowledged, long from, long to)
    {
        var ends = acknowledged.Select(a => a.End).Where(t => t >= from && t <= to).Order().ToList();
        long longest = 0;
        for (var i = 1; i < ends.Count; i++) longest = Math.Max(longest, ends[i] - ends[i - 1]);
        return longest * 1000.0 / Stopwatch.Frequency;
    }

    private static async Task AssertLogsHoldEveryAppendOnceAsync(LocalCluster cluster, List<AppendOp> acknowledged)
    {
        var logs = new List<List<LogEntry>>();
        foreach (var node in cluster.Nodes)
        {
            await Poll.UntilAsync(async () => (await cluster.ReadLogAsync(node)).Entries.Count >= acknowledged.Count, TimeSpan.FromSeconds(30), $"node {node.Id} to hold every append");
            logs.Add((await cluster.ReadLogAsync(node)).Entries);
        }
        var reference = logs[0];
        Assert.All(logs, log => Assert.Equal(reference.Select(e => (e.Index, e.Entry)), log.Select(e => (e.Index, e.Entry))));
        var duplicates = reference.GroupBy(e => e.Entry).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"appended more than once: {string.Join(", ", duplicates.Take(10))}");
        var byEntry = reference.ToDictionary(e => e.Entry, e => e.Index);
        foreach (var append in acknowledged)
        {
            Assert.True(byEntry.TryGetValue(append.Entry, out var index), $"acknowledged '{append.Entry}' is lost");
            Assert.Equal(append.Acknowledged!.Value.Index, index);
        }
    }
}
