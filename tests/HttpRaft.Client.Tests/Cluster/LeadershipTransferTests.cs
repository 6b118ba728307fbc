using HttpRaft.Client.Tests.Tool;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>
/// Leadership transfer (<c>POST /cluster/leader</c>, on main since issue 12) through the client and the tool, on a
/// live three-node cluster of its own (the shared one must keep its leader).
/// </summary>
public sealed class LeadershipTransferTests(ITestOutputHelper output) : OwnClusterTests
{
    [Fact]
    public async Task A_transfer_sent_to_a_follower_reaches_the_leader_and_the_client_then_writes_to_the_new_leader()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var target = Cluster.OtherThan(leader);
        var follower = Cluster.RunningIds.First(id => id != leader && id != target);
        var client = RealClient.For(Cluster, output, ids: follower);

        var moved = await client.TransferLeadershipAsync(target);

        Assert.Equal(target, moved.Id);
        Assert.Equal(target, await Cluster.WaitForLeaderAsync());
        Assert.Equal(Cluster.Api(target, "/"), client.Leader);
        var appended = await client.AppendAsync("after the transfer");
        Assert.Equal("after the transfer", (await client.GetEntryAsync(appended.Index, ReadConsistency.Linearizable))?.Entry);
    }

    [Fact]
    public async Task A_transfer_without_a_target_moves_leadership_to_another_voter_and_the_client_follows()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var client = RealClient.For(Cluster, output);
        await client.AppendAsync("cache the leader");

        var moved = await client.TransferLeadershipAsync();

        Assert.NotEqual(leader, moved.Id);
        Assert.Equal(Cluster.Layout.ApiOf(moved.Id), moved.Api);
        Assert.Equal(moved.Id, await Cluster.WaitForLeaderAsync());
        Assert.Equal(Cluster.Api(moved.Id, "/"), client.Leader);
    }

    [Fact]
    public async Task A_transfer_to_the_leader_itself_is_a_conflict()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var client = RealClient.For(Cluster, output);

        var e = await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.TransferLeadershipAsync(leader));

        Assert.Contains("already leads", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tool_transfers_leadership_and_prints_the_new_leader()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var target = Cluster.OtherThan(leader);

        var run = await ToolProcess.RunAsync(["leader", "transfer", $"{target}", "-e", string.Join(',', Cluster.Layout.Apis)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var row = run.Lines[1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"{target}", Cluster.Layout.Apis[target]], row);
        Assert.Equal(target, await Cluster.WaitForLeaderAsync());
    }
}
