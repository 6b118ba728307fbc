using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>Log replication: entries flow from the leader, keep their terms, and overwrite only what conflicts.</summary>
public sealed class ReplicationTests
{
    private const int ElectionTicks = 10;

    [Fact]
    public void Entries_proposed_on_the_leader_commit_on_every_node_in_order()
    {
        // Raft paper §5.3: the leader appends the command, replicates it, and once committed every server applies it in log order.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        var a = leader.Raft.Propose(Logs.Payload("a"));
        var bc = leader.Raft.Propose([Logs.Payload("b"), Logs.Payload("c")]);
        cluster.Stabilize();

        Assert.Equal((2L, 2L, 1L), (a.FirstIndex, a.LastIndex, a.Term));
        Assert.Equal((3L, 4L, 1L), (bc.FirstIndex, bc.LastIndex, bc.Term));
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal([1L, 2, 3, 4], node.Applied.Select(e => e.Index));
            Assert.Equal(["", "a", "b", "c"], node.Applied.Select(e => e.Text()));
            Assert.Equal(4, node.Raft.CommitIndex);
        }
    }

    [Fact]
    public void A_new_leader_appends_a_no_op_entry_of_its_term()
    {
        // Raft paper §8 and dissertation §6.4: a leader commits a blank no-op entry at the start of its term.
        var disk = () => Logs.Disk(2, [1, 2], commit: 2);
        var cluster = Cluster.FromDisks(ClusterOptions.Default, disk(), disk(), disk());
        cluster.Elect(0);
        cluster[0].Raft.TransferLeadership(1);
        cluster.Stabilize();

        var leader = cluster[1];

        Assert.Equal((Role.Leader, 4L), (leader.Role, leader.Term));
        var noOp = leader.PersistedLog[^1];
        Assert.Equal((4L, 4L, EntryKind.NoOp), (noOp.Index, noOp.Term, noOp.Kind));
        Assert.All(cluster.Nodes, n => Assert.Equal(noOp, n.Applied[^1]));
    }

    [Fact]
    public void The_first_leader_writes_the_bootstrap_configuration_as_its_terms_entry()
    {
        // Dissertation §4: the membership lives in the log. A log without a configuration entry (a new cluster, or a
        // data directory from before membership changes) gets the bootstrap configuration, in place of the no-op.
        var disk = () => Logs.Disk(2, [1, 2], commit: 2);
        var cluster = Cluster.FromDisks(ClusterOptions.Default, disk(), disk(), disk());

        var leader = cluster.Elect(0);

        var entry = leader.PersistedLog[^1];
        Assert.Equal((3L, 3L, EntryKind.Configuration), (entry.Index, entry.Term, entry.Kind));
        Assert.Equal([0, 1, 2], Configuration.Decode(entry.Data.Span).Voters);
        Assert.All(cluster.Nodes, n => Assert.Equal(3L, n.Raft.ConfigurationIndex));
        Assert.All(cluster.Nodes, n => Assert.Equal([0, 1, 2], n.Raft.Configuration.Voters));
    }

    [Fact]
    public void A_follower_stores_entries_with_the_terms_the_leader_gave_them()
    {
        // Raft paper §5.3 (Log Matching): an entry keeps the term in which it was created, wherever it is stored.
        var cluster = Cluster.Create(3);
        cluster.Isolate(2);
        var first = cluster.Elect(0);
        first.Raft.Propose([Logs.Payload("x"), Logs.Payload("y")]);
        cluster.Stabilize();

        // Node 1 takes over in a later term and brings node 2, which missed term 1 entirely, up to date.
        cluster.Recover();
        cluster.Isolate(0);
        cluster.RunUntil(() => cluster[1].Role == Role.Leader, maxTicks: 50 * ElectionTicks);
        cluster.Stabilize();

        var latecomer = cluster[2];
        Assert.True(latecomer.Term > 1);
        Assert.Equal([1L, 1, 1, cluster[1].Term], latecomer.PersistedTerms);
        Assert.Equal(cluster[1].PersistedLog.Shape(), latecomer.PersistedLog.Shape());
        Assert.Equal(["", "x", "y", ""], latecomer.Applied.Select(e => e.Text()));
    }

    [Fact]
    public void A_follower_replaces_a_conflicting_uncommitted_suffix_with_the_leaders_entries()
    {
        // Raft paper §5.3: if an existing entry conflicts with a new one, delete it and all that follow it.
        var cluster = Cluster.FromDisks(
            ClusterOptions.Default,
            Logs.Disk(3, [1, 1, 2, 3], commit: 2),
            Logs.Disk(2, [1, 1, 2, 2, 2], commit: 2),
            Logs.Disk(3, [1, 1, 2, 3], commit: 2));

        var leader = cluster.Elect(0);

        var follower = cluster[1];
        Assert.Equal([1L, 1, 2, 3, leader.Term], follower.PersistedTerms);
        Assert.Equal(leader.PersistedLog.Shape(), follower.PersistedLog.Shape());
        Assert.DoesNotContain(follower.Applied, e => e.Text() is "4@2" or "5@2");
    }

    [Fact]
    public void A_delayed_append_does_not_truncate_entries_the_follower_received_since()
    {
        // Raft paper Figure 2 (AppendEntries, step 3): only a conflicting entry and those after it are deleted; a stale
        // request whose entries all match changes nothing.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxBytesPerMessage = 1 });
        var leader = cluster.Elect(0);
        leader.Raft.Propose(Logs.Payload("a"));
        leader.Raft.Propose(Logs.Payload("b"));
        cluster.HandleReady(0);
        var appends = cluster.Take(m => m is AppendRequest { To: 1 });
        Assert.Equal(2, appends.Count);

        foreach (var append in appends) cluster.Deliver(append);
        cluster.Deliver(appends[0]); // The first arrives again, late.

        Assert.Equal(3, cluster[1].Raft.LastIndex);
        Assert.Equal([2L, 3, 2], cluster.InFlight.OfType<AppendResponse>().Where(m => m.From == 1).Select(m => m.Index));
        cluster.Stabilize();
        Assert.Equal(3, leader.Status.Followers[1].MatchIndex);
        Assert.Equal(["", "a", "b"], cluster[1].Applied.Select(e => e.Text()));
    }

    [Fact]
    public void A_deposed_leaders_uncommitted_entries_are_replaced_when_it_rejoins()
    {
        // Raft paper §5.3: the leader forces followers' logs to duplicate its own; uncommitted entries may be lost.
        var cluster = Cluster.Create(3);
        var old = cluster.Elect(0);
        cluster.Isolate(0);
        old.Raft.Propose([Logs.Payload("lost 1"), Logs.Payload("lost 2")]);
        cluster.HandleReady(0);

        cluster.RunUntil(() => cluster.Nodes.Any(n => n.Id != 0 && n.Role == Role.Leader), maxTicks: 50 * ElectionTicks);
        var leader = cluster.Leader!;
        leader.Raft.Propose(Logs.Payload("kept"));
        cluster.Recover();
        cluster.Run(2 * ElectionTicks);

        Assert.Equal(leader.PersistedLog.Shape(), old.PersistedLog.Shape());
        Assert.Equal(["", "", "kept"], old.Applied.Select(e => e.Text()));
        Assert.DoesNotContain(old.PersistedLog, e => e.Text().StartsWith("lost", StringComparison.Ordinal));
    }

    public static TheoryData<string, long[]> Figure7Followers => new()
    {
        { "a", [1, 1, 1, 4, 4, 5, 5, 6, 6] },
        { "b", [1, 1, 1, 4] },
        { "c", [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6] },
        { "d", [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7] },
        { "e", [1, 1, 1, 4, 4, 4, 4] },
        { "f", [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3] },
    };

    [Theory]
    [MemberData(nameof(Figure7Followers))]
    public void Every_follower_of_figure_7_converges_to_the_leaders_log_in_few_round_trips(string figure, long[] followerTerms)
    {
        // Raft paper §5.3, Figure 7: whatever a follower holds, AppendEntries consistency checks bring it to the leader's log;
        // the conflict hint skips a whole term per rejection instead of one entry.
        long[] leaderTerms = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
        var cluster = Cluster.FromDisks(
            ClusterOptions.Default,
            Logs.Disk(8, leaderTerms),
            Logs.Disk(followerTerms[^1], followerTerms),
            Logs.Disk(8, leaderTerms));

        var leader = cluster.Elect(0);

        Assert.True(leader.Role == Role.Leader, $"figure 7 ({figure}): node 0 was not elected");
        Assert.Equal(leader.PersistedLog.Shape(), cluster[1].PersistedLog.Shape());
        cluster.Run(cluster.Options.HeartbeatTicks); // The commit index may reach a follower that caught up by the next heartbeat.
        Assert.Equal(11, cluster[1].Raft.CommitIndex);
        var rejections = cluster.Delivered.OfType<AppendResponse>().Count(r => r.From == 1 && !r.Success);
        Assert.InRange(rejections, 0, 2);
    }

    [Theory]
    [InlineData(200, 0)]   // far behind: the follower holds only the first entry
    [InlineData(200, 150)] // long divergent suffix from an older term
    public void A_lagging_or_divergent_follower_converges_in_a_few_append_round_trips(int leaderEntries, int divergent)
    {
        // Raft paper §5.3 (the optimization at the end of the section): one rejection per conflicting term, not per entry.
        var leaderTerms = new long[] { 1 }.Concat(Logs.Run(3, leaderEntries - 1)).ToArray();
        var followerTerms = new long[] { 1 }.Concat(Logs.Run(2, divergent)).ToArray();
        var cluster = Cluster.FromDisks(
            ClusterOptions.Default,
            Logs.Disk(3, leaderTerms, commit: 1),
            Logs.Disk(3, followerTerms, commit: 1),
            Logs.Disk(3, leaderTerms, commit: 1));

        var leader = cluster.Elect(0);

        Assert.Equal(leader.PersistedLog.Shape(), cluster[1].PersistedLog.Shape());
        var rejections = cluster.Delivered.OfType<AppendResponse>().Count(r => r.From == 1 && !r.Success);
        var appends = cluster.Delivered.OfType<AppendRequest>().Count(r => r.To == 1);
        Assert.InRange(rejections, 1, 2);
        Assert.InRange(appends, 2, 5);
    }

    [Fact]
    public void A_follower_that_catches_up_after_the_commit_index_moved_is_sent_it_at_once_not_at_the_next_heartbeat()
    {
        // The leader tells a follower the commit index with the next message it sends it. A follower that catches up
        // after the entry it needed committed would otherwise wait for a heartbeat to learn it: the leader sends it the
        // commit index as soon as it acknowledges.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var lagging = cluster[2];
        cluster.Cut(0, 2);
        leader.Raft.Propose(Logs.Payload("a"));
        cluster.Stabilize();
        cluster.Recover();

        var b = leader.Raft.Propose(Logs.Payload("b")).LastIndex;
        cluster.HandleReady(0);
        cluster.DeliverWhere(m => m.To == 2); // rejected: the follower lacks "a"
        cluster.DeliverWhere(m => m is AppendResponse { From: 2 }); // the leader probes again from "a"
        cluster.DeliverWhere(m => m.To == 1);
        cluster.DeliverWhere(m => m is AppendResponse { From: 1 }); // "b" commits while the probe is on its way
        Assert.Equal(b, leader.Raft.CommitIndex);
        cluster.DeliverWhere(m => m is AppendRequest { To: 2 });
        Assert.Equal(b - 1, lagging.Raft.CommitIndex);

        cluster.DeliverWhere(m => m is AppendResponse { From: 2 });

        Assert.Contains(cluster.InFlight, m => m is AppendRequest { To: 2, LeaderCommit: var commit } && commit == b);
        cluster.DeliverWhere(m => m is AppendRequest { To: 2 });
        Assert.Equal(b, lagging.Raft.CommitIndex);
    }
}
