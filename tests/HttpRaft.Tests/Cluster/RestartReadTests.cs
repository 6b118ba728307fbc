namespace HttpRaft.Tests.Cluster;

/// <summary>A node that restarts serves what it had committed straight away, without waiting for the cluster.</summary>
public sealed class RestartReadTests
{
    [Fact]
    public async Task A_restarted_node_serves_its_old_entries_at_once()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var index = await cluster.AppendAsync(leader, "before restart");
        var follower = cluster.OtherThan(leader);
        await Eventually.HoldsAsync(() => cluster.Log(follower).View.AppliedIndex >= index, "the follower to apply the entry");
        await cluster.StopNodeAsync(follower);

        cluster.StartNode(follower);

        Assert.Contains(await cluster.ReadLogAsync(follower), e => e.Index == index && e.Entry == "before restart");
    }
}
