using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>The host's contract with RaftNode: what it may call, and what each Ready asks it to do.</summary>
public sealed class RaftNodeContractTests
{
    [Fact]
    public void A_proposal_names_at_least_one_entry()
    {
        var node = Cluster.Create(1).Elect(0).Raft;

        Assert.Throws<ArgumentNullException>(() => node.Propose((IReadOnlyList<ReadOnlyMemory<byte>>)null!));
        var empty = Assert.Throws<ArgumentException>(() => node.Propose(Array.Empty<ReadOnlyMemory<byte>>()));
        Assert.StartsWith("Propose at least one entry.", empty.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => node.ProposeChange(null!));
    }

    [Fact]
    public void A_Ready_must_be_advanced_before_the_next_and_only_the_last_one_given()
    {
        var node = new RaftNode(ClusterOptions.Default.ConfigFor(0, [0], 0, 0), new MemoryStorage());
        node.Campaign();
        var ready = node.GetReady();

        var again = Assert.Throws<InvalidOperationException>(() => node.GetReady());
        Assert.Equal("Advance the previous Ready before asking for another.", again.Message);
        var other = Assert.Throws<InvalidOperationException>(() => node.Advance(new Ready()));
        Assert.Equal("Advance takes the Ready last returned by GetReady.", other.Message);
        Assert.Throws<ArgumentNullException>(() => node.Advance(null!));
        node.Advance(ready);
    }

    [Fact]
    public void A_batch_must_reach_the_disk_before_its_messages_leave_only_when_it_holds_entries_a_snapshot_or_a_new_term_or_vote()
    {
        // §5: entries and the term and vote are durable before anyone hears of them; a commit index alone may be lost
        // (it is learned again from the leader), so the host need not sync for it.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var follower = cluster[1];
        leader.Raft.Propose(Logs.Payload("x"));
        cluster.HandleReady(0);
        cluster.DeliverWhere(m => m is AppendRequest { To: 1 });
        var commit = follower.Raft.LastIndex;
        follower.Readies.Clear();

        cluster.Deliver(new Heartbeat(0, 1, follower.Term, commit, ReadRound: 0));
        var commitOnly = Assert.Single(follower.Readies, r => r.HardState is not null);
        Assert.Equal(commit, commitOnly.HardState!.Value.Commit);
        Assert.False(commitOnly.MustSync);
        Assert.Empty(commitOnly.Entries);

        follower.Readies.Clear();
        cluster.Deliver(new VoteRequest(2, 1, follower.Term + 1, PreVote: false, 100, follower.Term + 1, Transfer: true));
        var vote = Assert.Single(follower.Readies, r => r.HardState is not null);
        Assert.True(vote.MustSync);
        Assert.False(vote.CanSendBeforePersisting);
    }

    [Fact]
    public void A_snapshot_covers_applied_entries_only()
    {
        var cluster = Cluster.Create(1);
        var node = cluster.Elect(0);
        node.Raft.Propose(Logs.Payload("a"));
        cluster.Stabilize();
        var applied = node.Raft.AppliedIndex;

        Assert.Throws<ArgumentOutOfRangeException>(() => node.Raft.CreateSnapshot(applied + 1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => node.Raft.CreateSnapshot(-1, []));
        Assert.Equal(applied, node.Raft.CreateSnapshot(applied, []).Index);
        node.Compact(applied);
        // Once compacted, the snapshot's own index is still the first one it may cover again.
        Assert.Equal(applied, node.Raft.CreateSnapshot(applied, []).Index);
        Assert.Throws<ArgumentOutOfRangeException>(() => node.Raft.CreateSnapshot(applied - 1, []));
    }
}
