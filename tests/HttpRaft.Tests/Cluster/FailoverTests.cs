using System.Diagnostics;
using System.Text;
using HttpRaft.Consensus;
using HttpRaft.Storage;
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
    public async Task A_stopped_node_restarts_from_its_data_directory_and_catches_up()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        for (var i = 0; i < 3; i++) await cluster.AppendAsync(leader, $"early {i}");
        await Eventually.HoldsAsync(async () => (await cluster.ReadLogAsync(follower)).Count == 3, "the follower to hold the early entries");
        var termBefore = cluster.Disk(follower)!.HardState.Term;

        await cluster.StopNodeAsync(follower);
        for (var i = 0; i < 3; i++) await cluster.AppendAsync(leader, $"while away {i}");
        var reopened = new StorageOptions { Directory = cluster.DataDirectory(follower) };
        using (var disk = new FileRaftStorage(reopened))
        {
            // What the node will start from: its own log and hard state, read back from the segment files.
            var early = disk.ReadRange(1, disk.LastIndex + 1).Where(e => e.Kind == EntryKind.Normal).Select(e => Encoding.UTF8.GetString(HttpRaft.AspNetCore.ClientPayload.ClientData(e.Data).Span));
            Assert.Equal(["early 0", "early 1", "early 2"], early);
            Assert.Equal(termBefore, disk.HardState.Term);
        }
        cluster.StartNode(follower);

        var expected = await cluster.ReadLogAsync(leader);
        Assert.Equal(6, expected.Count);
        await Eventually.HoldsAsync(async () => (await cluster.ReadLogAsync(follower)).SequenceEqual(expected), "the restarted node to catch up");
        Assert.Equal(leader, await cluster.WaitForLeaderAsync());
    }
}
