using System.Text;
using HttpRaft.AspNetCore;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Node;

/// <summary>
/// The node loop under a fake clock: it ticks from the injected <see cref="TimeProvider"/>, completes waiting
/// appends on commit, and fails them fast, with the leader hint, when they cannot commit.
/// </summary>
public sealed class NodeLoopTests
{
    private static readonly TimeSpan RealTimeLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Without_ticks_nobody_campaigns_and_with_them_one_leader_is_elected()
    {
        await using var cluster = await LoopCluster.StartAsync();
        await Task.Delay(100);
        Assert.All(Enumerable.Range(0, cluster.Size), id => Assert.False(cluster.Log(id).View.LeaderKnown));

        var leader = await cluster.ElectAsync();

        Assert.Single(Enumerable.Range(0, cluster.Size), id => cluster.Log(id).View.IsLeader);
        Assert.Equal(leader, cluster.AgreedLeader());
    }

    [Fact]
    public async Task An_append_on_the_leader_completes_once_committed_and_every_node_can_read_it()
    {
        await using var cluster = await LoopCluster.StartAsync();
        var leader = await cluster.ElectAsync();

        var result = await cluster.Log(leader).AppendAsync([Payload("first")]).WaitAsync(RealTimeLimit);

        Assert.Equal(AppendOutcome.Committed, result.Outcome);
        Assert.Equal($"api{leader}:{9000 + leader}", result.LeaderApi);
        await cluster.RunUntilAsync(() => Enumerable.Range(0, cluster.Size).All(id => Text(cluster.Log(id).GetCommitted(result.FirstIndex)) == "first"), TimeSpan.FromSeconds(2));
        Assert.Equal(["first"], cluster.Log(leader).ReadCommitted(1, 10).Entries.Select(e => Text(e)));
    }

    [Fact]
    public async Task A_follower_refuses_an_append_and_names_the_leader()
    {
        await using var cluster = await LoopCluster.StartAsync();
        var leader = await cluster.ElectAsync();
        var follower = (leader + 1) % cluster.Size;

        var result = await cluster.Log(follower).AppendAsync([Payload("misdirected")]).WaitAsync(RealTimeLimit);

        Assert.Equal(AppendOutcome.NotLeader, result.Outcome);
        Assert.Equal(leader, result.LeaderId);
        Assert.Equal($"api{leader}:{9000 + leader}", result.LeaderApi);
    }

    [Fact]
    public async Task An_isolated_leader_fails_its_waiting_appends_when_it_steps_down_not_at_the_commit_timeout()
    {
        await using var cluster = await LoopCluster.StartAsync();
        var leader = await cluster.ElectAsync();
        cluster.Isolate(leader);

        var pending = cluster.Log(leader).AppendAsync([Payload("stranded")]);
        var waited = await cluster.RunUntilAsync(() => pending.IsCompleted, TimeSpan.FromSeconds(4));

        Assert.Equal(AppendOutcome.LeadershipLost, (await pending).Outcome);
        Assert.True(waited < TimeSpan.FromSeconds(5), $"waited {waited.TotalMilliseconds} ms of fake time");
    }

    [Fact]
    public async Task An_append_that_cannot_commit_in_time_times_out()
    {
        await using var cluster = await LoopCluster.StartAsync(commitTimeoutMs: 200);
        var leader = await cluster.ElectAsync();
        cluster.Isolate(leader);

        var pending = cluster.Log(leader).AppendAsync([Payload("too slow")]);
        await cluster.RunUntilAsync(() => pending.IsCompleted, TimeSpan.FromSeconds(1));

        Assert.Equal(AppendOutcome.TimedOut, (await pending).Outcome);
    }

    [Fact]
    public async Task A_read_index_on_a_follower_covers_every_committed_append()
    {
        await using var cluster = await LoopCluster.StartAsync();
        var leader = await cluster.ElectAsync();
        var appended = await cluster.Log(leader).AppendAsync([Payload("read me")]).WaitAsync(RealTimeLimit);
        var follower = (leader + 1) % cluster.Size;

        var read = cluster.Log(follower).ReadIndexAsync();
        await cluster.RunUntilAsync(() => read.IsCompleted, TimeSpan.FromSeconds(2));

        Assert.True(await read >= appended.LastIndex);
        Assert.True(cluster.Log(follower).View.AppliedIndex >= appended.LastIndex);
    }

    [Fact]
    public async Task Status_comes_from_the_loop_with_each_followers_progress_on_the_leader()
    {
        await using var cluster = await LoopCluster.StartAsync();
        var leader = await cluster.ElectAsync();

        var status = await cluster.Log(leader).GetStatusAsync().WaitAsync(RealTimeLimit);

        Assert.Equal(Role.Leader, status.Role);
        Assert.Equal(Enumerable.Range(0, cluster.Size).Where(i => i != leader), status.Followers.Keys.Order());
    }

    private static ReadOnlyMemory<byte> Payload(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Text(Entry? entry) => entry is { } e ? Encoding.UTF8.GetString(e.Data.Span) : null;
}
