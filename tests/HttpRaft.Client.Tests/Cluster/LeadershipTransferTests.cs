using HttpRaft.Client.Tests.Tool;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>
/// Leadership transfer (<c>POST /cluster/leader</c>, on main since issue 12) through the client and the tool, on a
/// live three-node cluster of its own (the shared one must keep its leader).
/// </summary>
public sealed class LeadershipTransferTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster cluster = null!;

    public Task InitializeAsync()
    {
        cluster = TestCluster.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task A_transfer_sent_to_a_follower_reaches_the_leader_and_the_client_then_writes_to_the_new_leader()
    {
        var leader = await cluster.WaitForLeaderAsync();
        var target = cluster.OtherThan(leader);
        var follower = cluster.RunningIds.First(id => id != leader && id != target);
        var client = RealClient.For(cluster, output, ids: follower);

        var moved = await client.TransferLeadershipAsync(target);

        Assert.Equal(target, moved.Id);
        Assert.Equal(target, await cluster.WaitForLeaderAsync());
        Assert.Equal(cluster.Api(target, "/"), client.Leader);
        var appended = await client.AppendAsync("after the transfer");
        Assert.Equal("after the transfer", (await client.GetEntryAsync(appended.Index, ReadConsistency.Linearizable))?.Entry);
    }

    [Fact]
    public async Task A_transfer_to_the_leader_itself_is_a_conflict()
    {
        var leader = await cluster.WaitForLeaderAsync();
        var client = RealClient.For(cluster, output);

        var e = await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.TransferLeadershipAsync(leader));

        Assert.Contains("already leads", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tool_transfers_leadership_and_prints_the_new_leader()
    {
        var leader = await cluster.WaitForLeaderAsync();
        var target = cluster.OtherThan(leader);

        var run = await ToolProcess.RunAsync(["leader", "transfer", $"{target}", "-e", string.Join(',', cluster.Layout.Apis)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var row = run.Lines[1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"{target}", cluster.Layout.Apis[target]], row);
        Assert.Equal(target, await cluster.WaitForLeaderAsync());
    }
}
