using System.Diagnostics;
using Xunit.Abstractions;

namespace HttpRaft.Tests.Cluster;

/// <summary>Losing the leader: the others elect a new one and keep committing; a node that comes back catches up.</summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Stopping_the_leader_elects_a_new_leader_that_keeps_committing()
    {
        await using var cluster = TestCluster.Start();
        var oldLeader = await cluster.WaitForLeaderAsync();
        var before = await cluster.AppendAsync(oldLeader, "before failover");

        var clock = Stopwatch.StartNew();
        await cluster.StopNodeAsync(oldLeader);
        var newLeader = await cluster.WaitForLeaderAsync();
        output.WriteLine($"node {newLeader} took over from node {oldLeader} after {clock.ElapsedMilliseconds} ms");

        Assert.NotEqual(oldLeader, newLeader);
        var after = await cluster.AppendAsync(newLeader, "after failover");
        Assert.True(after > before);
        foreach (var id in cluster.RunningIds)
        {
            await Eventually.HoldsAsync(
                async () => (await cluster.ReadLogAsync(id)).Select(e => e.Entry).SequenceEqual(["before failover", "after failover"]),
                $"node {id} to hold both entries");
        }
    }

    [Fact]
    public Task A_stopped_node_restarts_with_its_log_and_catches_up_from_the_leader() => RestartFollowerAsync(keepLog: true);

    /// <remarks>
    /// The leader remembers the follower's match index and never probes below it (Progress.MaybeDecreaseTo floors
    /// Next at Match + 1), so a follower that lost entries it acknowledged stays behind until leadership changes.
    /// Raft assumes acknowledged entries are durable; the write-ahead log will make them so.
    /// </remarks>
    [Fact(Skip = "Consensus core: a leader never re-sends below a follower's match index, so a follower that lost its log waits for a leader change")]
    public Task A_stopped_node_restarts_empty_and_catches_up_from_the_leader() => RestartFollowerAsync(keepLog: false);

    private static async Task RestartFollowerAsync(bool keepLog)
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        for (var i = 0; i < 3; i++) await cluster.AppendAsync(leader, $"early {i}");

        await cluster.StopNodeAsync(follower, keepLog);
        for (var i = 0; i < 3; i++) await cluster.AppendAsync(leader, $"while away {i}");
        cluster.StartNode(follower);

        var expected = await cluster.ReadLogAsync(leader);
        Assert.Equal(6, expected.Count);
        await Eventually.HoldsAsync(async () => (await cluster.ReadLogAsync(follower)).SequenceEqual(expected), "the restarted node to catch up");
        Assert.Equal(leader, await cluster.WaitForLeaderAsync());
    }
}
