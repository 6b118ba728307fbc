using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>A cluster of one: it is its own majority, so everything depends on its own disk.</summary>
public sealed class SingleNodeTests
{
    [Fact]
    public void A_single_node_elects_itself_after_its_election_timeout()
    {
        // Raft paper §5.2: a candidate with votes from a majority — here itself alone — becomes leader.
        var cluster = Cluster.Create(1);

        var ticks = cluster.RunUntil(() => cluster[0].Role == Role.Leader, maxTicks: 100);

        Assert.InRange(ticks, cluster.Options.ElectionTicks, (2 * cluster.Options.ElectionTicks) - 1);
        Assert.Equal((1L, 0), (cluster[0].Term, cluster[0].Raft.LeaderId));
    }

    [Fact]
    public void A_single_node_commits_a_proposal_only_after_it_was_persisted()
    {
        // Raft paper §5.3: an entry is committed once stored on a majority — for one node, once on its own disk.
        var cluster = Cluster.Create(1);
        var node = cluster.Elect(0);
        var proposal = node.Raft.Propose(Logs.Payload("x"));

        var ready = node.Raft.GetReady();
        Assert.Contains(ready.Entries, e => e.Index == proposal.LastIndex);
        Assert.DoesNotContain(ready.CommittedEntries, e => e.Index == proposal.LastIndex);
        Assert.True(ready.MustSync);
        Assert.True(node.Raft.CommitIndex < proposal.LastIndex);

        node.Storage.Append(ready.Entries);
        if (ready.HardState is { } hardState) node.Storage.SetHardState(hardState);
        node.Raft.Advance(ready);

        Assert.Equal(proposal.LastIndex, node.Raft.CommitIndex);
        var next = node.Raft.GetReady();
        Assert.Equal("x", Assert.Single(next.CommittedEntries).Text());
        Assert.Equal(proposal.LastIndex, next.HardState?.Commit);
    }

    [Fact]
    public void A_single_node_answers_a_read_at_once()
    {
        // Dissertation §6.4: with no other servers, the leader's own term commit is all the confirmation a read needs.
        var cluster = Cluster.Create(1);
        var node = cluster.Elect(0);

        node.Raft.ReadIndex(5);
        var ready = node.Raft.GetReady();

        Assert.Equal([new ReadState(5, true, node.Raft.CommitIndex)], ready.ReadStates);
        Assert.Empty(ready.Messages);
    }

    [Fact]
    public void A_new_single_node_leader_answers_reads_once_its_no_op_is_persisted()
    {
        // Dissertation §6.4: the leader must commit an entry of its term before it can know the commit index.
        var cluster = Cluster.Create(1);
        var node = cluster[0];
        node.Raft.Campaign();
        Assert.Equal(Role.Leader, node.Role);

        node.Raft.ReadIndex(1);
        var first = node.Raft.GetReady();
        Assert.Empty(first.ReadStates);

        node.Storage.Append(first.Entries);
        if (first.HardState is { } hardState) node.Storage.SetHardState(hardState);
        node.Raft.Advance(first);

        Assert.Equal([new ReadState(1, true, 1)], node.Raft.GetReady().ReadStates);
    }

    [Fact]
    public void A_restarted_single_node_elects_itself_again_and_keeps_its_log()
    {
        // Dissertation §3.8: a restarted server recovers its state from disk; alone, it is its own majority again.
        var cluster = Cluster.Create(1);
        var node = cluster.Elect(0);
        node.Raft.Propose(Logs.Payload("x"));
        cluster.Stabilize();

        cluster.Restart(0);
        Assert.Equal((Role.Follower, 1L, 2L, 2L), (node.Role, node.Term, node.Raft.LastIndex, node.Raft.CommitIndex));
        cluster.RunUntil(() => node.Role == Role.Leader, maxTicks: 100);
        node.Raft.Propose(Logs.Payload("y"));
        cluster.Stabilize();

        Assert.Equal(2, node.Term);
        Assert.Equal([(1L, ""), (1, "x"), (2, ""), (2, "y")], node.PersistedLog.Select(e => (e.Term, e.Text())));
        Assert.Equal(4, node.Raft.CommitIndex);
    }
}
