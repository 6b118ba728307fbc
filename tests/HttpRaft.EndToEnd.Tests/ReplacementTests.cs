using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using HttpRaft.EndToEnd.Tests.History;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// Replacing a failed machine on real processes, step by step as docs/operations.md (Replacing a failed machine) tells
/// an operator to, with keyed writers running throughout (307 followed, 503 and refused connections retried under one
/// Idempotency-Key): the node is killed with kill -9 and its data directory deleted; a new node joins with
/// <c>--join</c> and gets a new id; the leader promotes it once it has caught up (<c>GET /cluster</c> shows it a voter);
/// then the dead node is removed with <c>DELETE /cluster/members/{id}</c>; the writers carry on. Every append must be
/// acknowledged, and <see cref="HistoryChecker"/> must find every acknowledged one in every member's log exactly once,
/// at the index it was acknowledged with. The test reports the longest time without an acknowledgement in each step
/// and over the whole replacement, and how long the new node took to catch up.
/// </summary>
public sealed class ReplacementTests(ITestOutputHelper output, Report report) : IClassFixture<Report>
{
    private const int Writers = 4;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Replacing_a_dead_node_as_the_operations_guide_says_loses_and_doubles_no_acknowledged_append()
    {
        var seed = Environment.GetEnvironmentVariable("HTTPRAFT_REPLACE_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next(1_000_000);
        report.Line(output, $"Replacement test seed {seed} (replay with HTTPRAFT_REPLACE_SEED={seed}): it picks the node that dies and the writers' targets");
        var random = new Random(seed);

        await using var cluster = LocalCluster.Start(3);
        var clock = Stopwatch.StartNew();
        var (leader, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, 0, StepTimeout);
        var clients = new HistoryClients(cluster, clock, $"replace-{Environment.ProcessId}-{seed}", "local");
        await using var load = new WriteLoad(clients, clock, Writers, seed);
        await load.WaitForAcknowledgedAsync(50);
        var steps = new List<string>();

        // The machine fails: kill -9, nothing handed over.
        var dead = cluster.Nodes[random.Next(cluster.Nodes.Count)];
        var start = load.Now;
        var killed = start;
        dead.Process.Kill();
        await dead.Process.WaitForExitAsync(StepTimeout);

        // 1. Confirm it is gone: GET /cluster on the leader still lists it, and shows that the leader has not heard from
        //    it for a while, the sign an operator acts on.
        var survivors = cluster.Nodes.Where(n => n.Id != dead.Id).ToList();
        var (newLeader, _) = await cluster.WaitForLeaderAsync(survivors, 0, StepTimeout);
        await Poll.UntilAsync(
            async () => (await cluster.TryClusterAsync(newLeader))?.Member(dead.Id) is { IsVoter: true, LastContactMs: > 1000 },
            StepTimeout,
            $"GET /cluster on the leader to show node {dead.Id} unheard from for over a second");

        // 2. Make sure it stays gone: its data directory is wiped.
        Directory.Delete(dead.DataDirectory, recursive: true);
        await load.WaitForAcknowledgedAsync(20);
        steps.Add(Step($"kill -9 node {dead.Id}{(dead == leader ? " (the leader)" : "")}, confirm it in GET /cluster, delete its data; node {newLeader.Id} leads", load, start));

        // 3. A new node joins through a survivor with --join and a new id, as a learner.
        start = load.Now;
        var leaderCommit = (await cluster.WaitForStatusAsync(newLeader, _ => true, StepTimeout)).CommitIndex;
        var joinClock = Stopwatch.StartNew();
        var joined = await cluster.JoinAsync(survivors[random.Next(survivors.Count)], StepTimeout);
        var joinedMs = joinClock.ElapsedMilliseconds;
        await cluster.WaitForStatusAsync(joined, s => s.CommitIndex >= leaderCommit, StepTimeout);
        var caughtUpMs = joinClock.ElapsedMilliseconds;
        Assert.True(joined.Id > 2, $"the new node got id {joined.Id}: ids are never reused, so it must be above the bootstrap ids 0..2");
        steps.Add(Step($"node {joined.Id} joins and catches up", load, start));

        // 4. The leader promotes it once it has caught up (--join asks for that): GET /cluster shows it a voter.
        start = load.Now;
        await Poll.UntilAsync(async () => (await cluster.TryClusterAsync(joined))?.Member(joined.Id) is { IsVoter: true }, StepTimeout, $"node {joined.Id} to be a voter");
        var voterMs = joinClock.ElapsedMilliseconds;
        steps.Add(Step($"node {joined.Id} is promoted", load, start));
        report.Line(output, $"the new node {joined.Id}: joined (id assigned, listening) {joinedMs} ms after its process started; " +
            $"caught up (held the {leaderCommit} entries committed before it started) {caughtUpMs - joinedMs} ms after joining; a voter {voterMs - joinedMs} ms after joining");

        // 5. The dead node is removed through any member (a follower redirects to the leader). Its id is never reused.
        start = load.Now;
        var (status, body) = await cluster.SendToLeaderAsync(HttpMethod.Delete, survivors[0], $"/cluster/members/{dead.Id}", StepTimeout);
        Assert.True(status == HttpStatusCode.OK, $"DELETE /cluster/members/{dead.Id} answered {(int)status}: {body}");
        var afterRemoval = JsonSerializer.Deserialize<ClusterView>(body, Json)!;
        steps.Add(Step($"DELETE /cluster/members/{dead.Id}", load, start));
        var replaced = load.Now;

        // The writers carry on with the new membership.
        start = load.Now;
        await load.WaitForAcknowledgedAsync(50);
        steps.Add(Step("writing on", load, start));
        await load.StopAsync();

        var all = load.Appends;
        var acknowledged = all.Count(a => a.Acknowledged is not null);
        report.Line(output, $"replacement: {all.Count} appends, {acknowledged} acknowledged; longest time without an acknowledgement " +
            $"{load.LongestGap(killed, replaced):F0} ms from the kill to the removal, in each step:");
        foreach (var line in steps) report.Line(output, "  " + line);
        report.Line(output, $"retried attempts: {clients.Retries}");
        Assert.True(all.Count == acknowledged, $"{all.Count - acknowledged} appends were never acknowledged");

        var members = survivors.Append(joined).ToList();
        Assert.Equal(members.Select(n => n.Id).Order(), afterRemoval.Members.Select(m => m.Id).Order());
        Assert.All(afterRemoval.Members, m => Assert.True(m.IsVoter, $"node {m.Id} is a {m.Role}"));
        Assert.Equal(1, afterRemoval.FailureTolerance);
        foreach (var node in members)
        {
            await Poll.UntilAsync(
                async () => (await cluster.TryClusterAsync(node))?.Members.Select(m => m.Id).Order().SequenceEqual(members.Select(n => n.Id).Order()) == true,
                StepTimeout,
                $"node {node.Id} to know the new membership");
        }
        var checkedCount = await load.CheckAsync(cluster, clients, members);
        report.Line(output, $"every member's log holds all {checkedCount} acknowledged appends once, at their indexes: 0 lost, 0 duplicates");
    }

    private static string Step(string what, WriteLoad load, long start) =>
        $"{what}: {load.DescribeGap(start)}; the step took {(load.Now - start) * 1000 / Stopwatch.Frequency} ms";
}
