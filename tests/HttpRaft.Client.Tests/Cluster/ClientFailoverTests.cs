using System.Collections.Concurrent;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>The client through node failures on a live three-node cluster: exactly-once appends, a gapless tail, a stale leader cache.</summary>
public sealed class ClientFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Appends_during_a_leader_kill_are_each_in_the_log_exactly_once()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var client = RealClient.For(cluster, output);
        var acknowledged = new ConcurrentDictionary<string, AppendResult>();
        var unknown = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var text = $"writer {w} entry {i}";
                try
                {
                    acknowledged[text] = await client.AppendAsync(text);
                }
                catch (HttpRaftUnavailableException)
                {
                    // Outcome unknown: it may be in the log, but at most once.
                    unknown.Add(text);
                }
            }
        })).ToList();
        await Eventually.HoldsAsync(() => acknowledged.Count >= 20, "appends before the kill");
        await cluster.StopNodeAsync(leader);
        var atKill = acknowledged.Count;
        await Eventually.HoldsAsync(() => acknowledged.Count >= atKill + 20, "appends acknowledged by the new leader", TimeSpan.FromSeconds(45));
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var log = await WholeLog.ReadAsync(client);
        output.WriteLine($"killed node {leader}; {acknowledged.Count} acknowledged ({acknowledged.Values.Count(a => a.Replayed)} found by a retry), {unknown.Count} unknown, {log.Count} in the log");
        Assert.All(log.GroupBy(e => e.Entry), g => Assert.True(g.Count() == 1, $"'{g.Key}' is in the log {g.Count()} times"));
        var byIndex = log.ToDictionary(e => e.Index);
        foreach (var (text, ack) in acknowledged)
        {
            Assert.True(byIndex.TryGetValue(ack.Index, out var entry), $"'{text}' was acknowledged at {ack.Index}, which holds nothing");
            Assert.Equal((text, ack.Term), (entry.Entry, entry.Term));
        }
        Assert.All(log, e => Assert.True(acknowledged.ContainsKey(e.Entry) || unknown.Contains(e.Entry), $"'{e.Entry}' was never appended"));
        Assert.NotEqual(cluster.Api(leader, "/"), client.Leader);
    }

    [Fact]
    public async Task A_tail_goes_on_across_a_node_failure_without_gaps_or_repeats()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        // The tail starts on the follower, the first endpoint it is given.
        var tailer = RealClient.For(cluster, output, ids: [follower, .. cluster.RunningIds.Where(id => id != follower)]);
        var writer = RealClient.For(cluster, output, ids: leader);
        await using var tail = new BackgroundTail(tailer);

        for (var i = 0; i < 20; i++) await writer.AppendAsync($"before {i}");
        await Eventually.HoldsAsync(() => tail.Count == 20, "the tail to reach the entries before the failure");
        await cluster.StopNodeAsync(follower);
        for (var i = 0; i < 20; i++) await writer.AppendAsync($"after {i}");
        await Eventually.HoldsAsync(() => tail.Count >= 40, "the tail to go on from another node", TimeSpan.FromSeconds(30));
        var seen = await tail.StopAsync();

        var log = await WholeLog.ReadAsync(writer);
        Assert.Equal(40, log.Count);
        Assert.Equal(log, seen);
    }

    [Fact]
    public async Task A_cached_leader_that_died_is_replaced_by_the_new_one()
    {
        await using var cluster = TestCluster.Start();
        var oldLeader = await cluster.WaitForLeaderAsync();
        var client = RealClient.For(cluster, output);
        await client.AppendAsync("before");
        Assert.Equal(cluster.Api(oldLeader, "/"), client.Leader);

        await cluster.StopNodeAsync(oldLeader);
        var after = await client.AppendAsync("after");

        var newLeader = await cluster.WaitForLeaderAsync();
        Assert.Equal(cluster.Api(newLeader, "/"), client.Leader);
        Assert.Equal("after", (await client.GetEntryAsync(after.Index, ReadConsistency.Linearizable))?.Entry);
    }

    [Fact]
    public async Task A_cached_leader_that_came_back_as_a_follower_redirects_the_client_to_the_new_one()
    {
        await using var cluster = TestCluster.Start();
        var oldLeader = await cluster.WaitForLeaderAsync();
        var stale = RealClient.For(cluster, output);
        await stale.AppendAsync("cache the leader");

        await cluster.StopNodeAsync(oldLeader);
        await cluster.WaitForLeaderAsync();
        cluster.StartNode(oldLeader);
        var newLeader = await cluster.WaitForLeaderAsync();
        Assert.NotEqual(oldLeader, newLeader);
        Assert.Equal(cluster.Api(oldLeader, "/"), stale.Leader);

        var appended = await stale.AppendAsync("through the stale cache");

        Assert.Equal(cluster.Api(newLeader, "/"), stale.Leader);
        Assert.False(appended.Replayed);
        Assert.Equal(2, (await WholeLog.ReadAsync(stale)).Count);
    }
}
