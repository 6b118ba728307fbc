using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>The client against a live three-node cluster that stays healthy: appends, reads, tails, status and the membership.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class ClientReadWriteTests(SharedClusterFixture fixture, ITestOutputHelper output)
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task An_append_sent_to_a_follower_is_redirected_and_the_leader_is_cached()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var client = RealClient.For(Cluster, output, ids: Cluster.OtherThan(leader));

        var first = await client.AppendAsync("via a follower");

        Assert.Equal(Cluster.Api(leader, "/"), client.Leader);
        var entry = await client.GetEntryAsync(first.Index, ReadConsistency.Linearizable);
        Assert.Equal("via a follower", entry?.Entry);
        Assert.False(first.Replayed);
    }

    [Fact]
    public async Task Retrying_with_the_same_key_returns_the_original_append()
    {
        await Cluster.WaitForLeaderAsync();
        var client = RealClient.For(Cluster, output);
        var key = $"test-{Guid.NewGuid():N}";

        var first = await client.AppendAsync(["one", "two"], key);
        var again = await client.AppendAsync(["one", "two"], key);

        Assert.Equal((first.Index, first.LastIndex), (again.Index, again.LastIndex));
        Assert.True(again.Replayed);
        await Assert.ThrowsAsync<IdempotencyKeyConflictException>(() => client.AppendAsync("other", key));
    }

    [Fact]
    public async Task A_linearizable_read_on_any_node_sees_an_acknowledged_append()
    {
        await Cluster.WaitForLeaderAsync();
        var writer = RealClient.For(Cluster, output);
        var appended = await writer.AppendAsync("seen everywhere");

        foreach (var id in Cluster.RunningIds)
        {
            var page = await RealClient.For(Cluster, output, ids: id).ReadAsync(appended.Index, 1, ReadConsistency.Linearizable);
            Assert.Equal("seen everywhere", Assert.Single(page.Entries).Entry);
            Assert.Equal(ReadConsistency.Linearizable, page.Consistency);
            Assert.True(page.ReadIndex >= appended.Index, $"read index {page.ReadIndex} is below the append at {appended.Index}");
        }
    }

    [Fact]
    public async Task A_tail_yields_what_was_there_then_what_commits_next()
    {
        await Cluster.WaitForLeaderAsync();
        var client = RealClient.For(Cluster, output);
        var start = await client.AppendAsync("tail 0");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<LogEntry>();

        var tail = Task.Run(async () =>
        {
            await foreach (var entry in client.TailAsync(start.Index, stop.Token))
            {
                lock (seen) seen.Add(entry);
                if (entry.Entry == "tail 2") return;
            }
        });
        await Eventually.HoldsAsync(() => { lock (seen) return seen.Count == 1; }, "the tail to yield the entry already committed");
        await client.AppendAsync("tail 1");
        await client.AppendAsync("tail 2");
        await tail;

        Assert.Equal(["tail 0", "tail 1", "tail 2"], seen.Select(e => e.Entry));
    }

    [Fact]
    public async Task Status_names_the_leader_on_every_node()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var client = RealClient.For(Cluster, output);

        foreach (var id in Cluster.RunningIds)
        {
            var status = await client.GetStatusAsync(Cluster.Api(id, "/"));
            Assert.Equal(id, status.Id);
            Assert.Equal(leader, status.Leader?.Id);
            Assert.Equal(id == leader, status.Peers is not null);
        }
    }

    [Fact]
    public async Task The_cluster_read_through_a_follower_names_the_leader_and_shows_each_members_progress_from_it()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var appended = await RealClient.For(Cluster, output).AppendAsync("replicated before the cluster is read");
        var client = RealClient.For(Cluster, output, ids: Cluster.OtherThan(leader));

        var cluster = await client.GetClusterAsync();

        Assert.Equal(new LeaderInfo(leader, Cluster.Layout.ApiOf(leader)), cluster.Leader);
        Assert.Equal([0, 1, 2], cluster.Members.Select(m => m.Id));
        Assert.All(cluster.Members, m => Assert.Equal(("voter", Cluster.Layout.PeerOf(m.Id), Cluster.Layout.ApiOf(m.Id)), (m.Role, m.Peer, m.Api)));
        Assert.Equal(1, cluster.FailureTolerance);
        Assert.True(cluster.ConfigIndex > 0, "the first leader writes the membership into the log");
        // Only the leader knows how far each member has replicated: the client asked it.
        var self = cluster.Members.Single(m => m.Id == leader);
        Assert.Equal((0L, 0L), (self.Lag, self.LastContactMs));
        Assert.True(self.MatchIndex >= appended.Index, $"the leader's match index {self.MatchIndex} is below the append at {appended.Index}");
        Assert.All(cluster.Members, m => Assert.True(m.MatchIndex is not null && m.Lag >= 0 && m.LastContactMs >= 0, $"member {m.Id} has no progress"));
        Assert.Equal(Cluster.Api(leader, "/"), client.Leader);
        Assert.Equal(Cluster.RunningIds.Select(id => Cluster.Api(id, "/").ToString()).Order(), client.Members.Select(m => m.ToString()).Order());
    }
}
