using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// Which messages may leave before their batch is durable (dissertation §10.2.1): a leader's, whose term and vote
/// are already on disk, so replication overlaps its own fsync; never a vote or an acknowledgement, which are promises.
/// </summary>
public sealed class EarlySendTests
{
    [Fact]
    public void A_leaders_appends_may_go_out_before_its_own_write()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        leader.Raft.Propose("x"u8.ToArray());
        var ready = leader.Raft.GetReady();

        Assert.True(ready.MustSync);
        Assert.Contains(ready.Messages, m => m is AppendRequest { Entries.Count: > 0 });
        Assert.True(ready.CanSendBeforePersisting);
    }

    [Fact]
    public void A_leader_does_not_count_its_own_unpersisted_entry_towards_a_majority()
    {
        // Sending early is safe only because the leader's own vote for an entry waits for Advance.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose("x"u8.ToArray());
        var ready = leader.Raft.GetReady();
        var index = leader.Raft.LastIndex;

        leader.Raft.Step(new AppendResponse(1, 0, leader.Term, Success: true, index, 0, 0));

        Assert.True(leader.Raft.CommitIndex < index);
        leader.Storage.Append(ready.Entries);
        leader.Raft.Advance(ready);
        Assert.Equal(index, leader.Raft.CommitIndex);
    }

    [Fact]
    public void A_followers_acknowledgement_waits_for_its_write()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose("x"u8.ToArray());
        cluster.HandleReady(0);
        var append = cluster.Take(m => m is AppendRequest { To: 1 }).Single();

        cluster[1].Raft.Step(append);
        var ready = cluster[1].Raft.GetReady();

        Assert.Contains(ready.Messages, m => m is AppendResponse { Success: true });
        Assert.False(ready.CanSendBeforePersisting);
    }

    [Fact]
    public void A_granted_vote_waits_for_its_write()
    {
        var cluster = Cluster.Create(3, ClusterOptions.Paper);

        cluster[1].Raft.Step(new VoteRequest(0, 1, 1, PreVote: false, 0, 0));
        var ready = cluster[1].Raft.GetReady();

        Assert.Contains(ready.Messages, m => m is VoteResponse { Granted: true });
        Assert.False(ready.CanSendBeforePersisting);
    }

    [Fact]
    public void A_leader_deposed_in_the_same_batch_sends_nothing_early()
    {
        // Deposed by a higher term within the batch: its new term (and any vote in it) must be durable first.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        var leader = cluster.Elect(0);
        leader.Raft.Propose("x"u8.ToArray());

        leader.Raft.Step(new VoteRequest(2, 0, leader.Term + 1, PreVote: false, 100, leader.Term));
        var ready = leader.Raft.GetReady();

        Assert.Equal(Role.Follower, leader.Role);
        Assert.False(ready.CanSendBeforePersisting);
    }
}
