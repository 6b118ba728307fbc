using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// When an entry is committed (Raft paper §5.4.2): only by counting replicas of an entry from the leader's current
/// term, and only counting the leader's own copy once it is on its disk.
/// </summary>
public sealed class CommitRuleTests
{
    private const int S1 = 0, S2 = 1, S3 = 2, S4 = 3, S5 = 4;

    [Fact]
    public void Figure_8_an_entry_of_an_earlier_term_on_a_majority_is_not_committed_by_counting_replicas()
    {
        // Raft paper §5.4.2, Figure 8 (c): S1, leader of term 4, has replicated index 2 (term 2) to a majority, yet must not commit it.
        var cluster = Figure8BeforeC();

        var s1 = cluster[S1];
        Assert.Equal((Role.Leader, 4L), (s1.Role, s1.Term));
        Assert.All(new[] { S1, S2, S3 }, s => Assert.Equal([1L, 2], cluster[s].PersistedTerms.Take(2)));
        Assert.Equal(2, s1.Status.Followers[S2].MatchIndex);
        Assert.Equal(2, s1.Status.Followers[S3].MatchIndex);
        Assert.Equal(1, s1.Raft.CommitIndex);
        Assert.All(cluster.Nodes, n => Assert.DoesNotContain(n.Applied, e => e.Index == 2));
    }

    [Fact]
    public void Figure_8_why_the_old_term_entry_was_not_safe_to_commit()
    {
        // Raft paper §5.4.2, Figure 8 (d): if S1 crashes, S5 can be elected and overwrite index 2 on every node that holds it.
        var cluster = Figure8BeforeC();

        cluster.Recover();
        cluster.Isolate(S1);
        cluster.Elect(S5); // Term 4: S2, S3 and S4 already voted for S1.
        cluster.Elect(S5); // Term 5.

        Assert.Equal(Role.Leader, cluster[S5].Role);
        Assert.All(new[] { S2, S3, S4, S5 }, s => Assert.Equal(3, cluster[s].PersistedTerms[1]));
    }

    [Fact]
    public void Figure_8_an_entry_of_the_current_term_on_a_majority_commits_itself_and_everything_before_it()
    {
        // Raft paper §5.4.2, Figure 8 (e): once an entry from S1's term is on a majority, index 2 commits with it and
        // S5 can no longer win an election.
        var cluster = Figure8BeforeC();
        var s1 = cluster[S1];

        cluster.Recover();
        cluster.Isolate(S4);
        cluster.Isolate(S5);
        cluster.Tick(S1, cluster.Options.HeartbeatTicks); // The heartbeat's answers show S2 and S3 lag: the no-op follows.
        cluster.Stabilize();

        Assert.Equal(3, s1.Raft.CommitIndex);
        Assert.All(new[] { S1, S2, S3 }, s => Assert.Equal([(1L, 1L), (2, 2), (3, 4)], cluster[s].Applied.Select(e => (e.Index, e.Term))));

        cluster.Recover();
        cluster.Isolate(S1);
        cluster.Elect(S5);
        cluster.Elect(S5);

        Assert.NotEqual(Role.Leader, cluster[S5].Role);
        Assert.All(new[] { S2, S3 }, s => Assert.Equal([1L, 2, 4], cluster[s].PersistedTerms));
    }

    [Fact]
    public void The_leader_counts_its_own_log_toward_a_majority_only_once_it_is_persisted()
    {
        // Raft paper §5.3 and dissertation §10.2.1: an entry is committed when it is *stored* on a majority; the leader's copy
        // counts once written to its disk, which may happen after followers acknowledge.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var proposal = leader.Raft.Propose(Logs.Payload("x"));

        var ready = leader.Raft.GetReady(); // Not yet persisted.
        var append = Assert.Single(ready.Messages.OfType<AppendRequest>(), m => m.To == 1);
        cluster.Deliver(append);
        var ack = Assert.Single(cluster.Take(m => m is AppendResponse { From: 1, Success: true }));
        leader.Raft.Step(ack);

        Assert.Equal(proposal.LastIndex, leader.Status.Followers[1].MatchIndex);
        Assert.True(leader.Raft.CommitIndex < proposal.LastIndex, "committed with one follower and an unpersisted leader log");

        leader.Storage.Append(ready.Entries);
        if (ready.HardState is { } hardState) leader.Storage.SetHardState(hardState);
        leader.Raft.Advance(ready);

        Assert.Equal(proposal.LastIndex, leader.Raft.CommitIndex);
    }

    /// <summary>
    /// Figure 8 just before (c), one index lower (index 1 is a common committed entry): S1 holds [1, 2] and has
    /// just won term 4 with votes from S2, S3 and S4; S5 holds [1, 3] from its own term-3 leadership and is down.
    /// S1 replicates index 2 to S2 and S3, but every message that would deliver its term-4 no-op (index 3) is lost,
    /// and S4 is cut off after the election. One entry per message, so index 2 and the no-op travel separately.
    /// </summary>
    private static Cluster Figure8BeforeC()
    {
        var cluster = Cluster.FromDisks(
            ClusterOptions.Paper with { MaxBytesPerMessage = 1 },
            Logs.Disk(3, [1, 2], commit: 1),
            Logs.Disk(3, [1], commit: 1, votedFor: S5),
            Logs.Disk(3, [1], commit: 1, votedFor: S5),
            Logs.Disk(3, [1], commit: 1, votedFor: S5),
            Logs.Disk(3, [1, 3], commit: 1, votedFor: S5));
        cluster.Isolate(S5);
        cluster.Ignore(m => m is AppendRequest a && a.Entries.Any(e => e.Term == 4) && cluster[a.To].Raft.LastIndex >= a.PrevLogIndex);

        cluster[S1].Raft.Campaign();
        cluster.DeliverWhere(m => m is VoteRequest);
        cluster.DeliverWhere(m => m is VoteResponse);
        cluster.Isolate(S4);
        cluster.Stabilize();
        return cluster;
    }
}
