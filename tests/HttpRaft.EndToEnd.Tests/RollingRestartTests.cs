using System.Diagnostics;
using System.Globalization;
using HttpRaft.EndToEnd.Tests.History;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// A rolling restart of real processes under load, as docs/operations.md tells an operator to upgrade a cluster: every
/// node in turn, followers first and the leader last, gets SIGTERM (a leader hands over first), is started again on its
/// data directory and catches up before the next one goes. Writers use a careful client (follow 307, retry a 503 or a
/// refused connection under the same Idempotency-Key). No request may fail for good: every append is acknowledged in
/// the end; and <see cref="HistoryChecker"/> must find every acknowledged append in every log exactly once, at its
/// index. The test reports the longest time without an acknowledgement, and what the client had to retry.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output, Report report) : IClassFixture<Report>
{
    private const int Writers = 4;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_rolling_restart_under_load_loses_nothing_doubles_nothing_and_fails_no_append()
    {
        var seed = Environment.GetEnvironmentVariable("HTTPRAFT_ROLL_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next(1_000_000);
        report.Line(output, $"Rolling restart seed {seed} (replay with HTTPRAFT_ROLL_SEED={seed}): it picks the writers' targets");

        await using var cluster = LocalCluster.Start(3);
        var clock = Stopwatch.StartNew();
        var clients = new HistoryClients(cluster, clock, $"roll-{Environment.ProcessId}-{seed}", "local");
        var (leader, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, 0, TimeSpan.FromSeconds(30));
        await using var load = new WriteLoad(clients, clock, Writers, seed);
        await load.WaitForAcknowledgedAsync(50);
        var rollStart = load.Now;

        // Followers first, then the leader, as an operator would: one leader change, and it is a transfer.
        var order = cluster.Nodes.Select(n => n.Id).Where(id => id != leader.Id).Append(leader.Id).ToList();
        var steps = new List<string>();
        foreach (var id in order) steps.Add(await RestartAsync(cluster, id, load));
        var rollEnd = load.Now;
        await load.WaitForAcknowledgedAsync(50);
        await load.StopAsync();

        var all = load.Appends;
        var acknowledged = all.Count(a => a.Acknowledged is not null);
        report.Line(output, $"rolling restart: {all.Count} appends, {acknowledged} acknowledged, {all.Count - acknowledged} given up; " +
            $"longest time without an acknowledgement {load.LongestGap(rollStart, rollEnd):F0} ms over the whole roll " +
            $"({TimeSpan.FromTicks((rollEnd - rollStart) * TimeSpan.TicksPerSecond / Stopwatch.Frequency).TotalSeconds:F1} s); retried attempts: {clients.Retries}");
        foreach (var line in steps) report.Line(output, "  " + line);
        foreach (var slow in all.OrderByDescending(a => a.End - a.Start).Take(3))
        {
            output.WriteLine($"slowest: {slow.Entry}, {(slow.End - slow.Start) * 1000 / Stopwatch.Frequency} ms from {slow.Start * 1000 / Stopwatch.Frequency} ms into the run");
        }
        Assert.True(all.Count == acknowledged, $"{all.Count - acknowledged} appends failed: not acknowledged within the client's 20 s");
        var checkedCount = await load.CheckAsync(cluster, clients, cluster.Nodes);
        report.Line(output, $"every node's log holds all {checkedCount} acknowledged appends once, at their indexes: 0 lost, 0 duplicates");
    }

    /// <summary>SIGTERM to node <paramref name="id"/>, then start it again and wait until it has caught up with the leader.</summary>
    private static async Task<string> RestartAsync(LocalCluster cluster, int id, WriteLoad load)
    {
        var node = cluster.Nodes[id];
        var wasLeader = (await cluster.TryStatusAsync(node))?.IsLeader == true;
        var start = load.Now;
        var clock = Stopwatch.StartNew();
        var stopped = await LocalCluster.StopAsync(node, StopTimeout);

        var others = cluster.Nodes.Where(n => n.Id != id).ToList();
        var (leader, status) = await cluster.WaitForLeaderAsync(others, 0, TimeSpan.FromSeconds(30));
        var restarting = clock.ElapsedMilliseconds;
        var restarted = await cluster.RestartAsync(id);
        await cluster.WaitForStatusAsync(restarted, _ => true, CatchUpTimeout);
        var serving = clock.ElapsedMilliseconds;
        await load.WaitForAcknowledgedAsync(20);
        var target = (await cluster.WaitForStatusAsync(leader, _ => true, TimeSpan.FromSeconds(10))).CommitIndex;
        await cluster.WaitForStatusAsync(restarted, s => s.CommitIndex >= target, CatchUpTimeout);
        return $"node {id}{(wasLeader ? " (the leader)" : "")}: stopped {stopped.TotalMilliseconds:F0} ms after SIGTERM with exit code 0; node {leader.Id} leads term {status.Term}; " +
            $"started again at +{restarting / 1000.0:F1} s, serving at +{serving / 1000.0:F1} s, caught up to {target} at +{clock.ElapsedMilliseconds / 1000.0:F1} s; " +
            $"longest time without an acknowledgement {load.DescribeGap(start)}";
    }
}
