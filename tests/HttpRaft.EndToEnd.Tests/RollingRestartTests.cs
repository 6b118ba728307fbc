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
        await using var load = new WriteLoad(clients, clock, Writers, seed: 0);
        await load.WaitForAcknowledgedAsync(50);
        var rollStart = load.Now;

        // Followers first, then the leader, as an operator would: one leader change, and it is a transfer.
        var order = cluster.Nodes.Select(n => n.Id).Where(id => id != leader.Id).Append(leader.Id).ToList();
        var report = new List<string>();
        foreach (var id in order) report.Add(await RestartAsync(cluster, id, load));
        var rollEnd = load.Now;
        await load.WaitForAcknowledgedAsync(50);
        await load.StopAsync();

        var all = load.Appends;
        var acknowledged = all.Where(a => a.Acknowledged is not null).ToList();
        output.WriteLine($"rolling restart: {all.Count} appends, {acknowledged.Count} acknowledged, longest gap between acknowledgements {load.LongestGap(rollStart, rollEnd):F0} ms");
        foreach (var line in report) output.WriteLine(line);
        foreach (var slow in all.OrderByDescending(a => a.End - a.Start).Take(3))
        {
            output.WriteLine($"slowest: {slow.Entry}, {(slow.End - slow.Start) * 1000 / Stopwatch.Frequency} ms from {slow.Start * 1000 / Stopwatch.Frequency} ms into the run");
        }
        Assert.True(all.Count == acknowledged.Count, $"{all.Count - acknowledged.Count} appends were never acknowledged");
        await WriteLoad.AssertLogsHoldEveryAppendOnceAsync(cluster, cluster.Nodes, acknowledged);
    }

    /// <summary>SIGTERM to node <paramref name="id"/>, then start it again and wait until it has caught up with the leader.</summary>
    private static async Task<string> RestartAsync(LocalCluster cluster, int id, WriteLoad load)
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
        await load.WaitForAcknowledgedAsync(20);
        var target = (await cluster.WaitForStatusAsync(leader, _ => true, TimeSpan.FromSeconds(10))).CommitIndex;
        await cluster.WaitForStatusAsync(restarted, s => s.CommitIndex >= target, CatchUpTimeout);
        return $"node {id}{(wasLeader ? " (the leader)" : "")}: stopped {stopped} ms after SIGTERM with exit code 0; node {leader.Id} leads term {status.Term}; " +
            $"caught up to {target} {clock.ElapsedMilliseconds} ms after SIGTERM";
    }
}
