using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>Client proposals: only the leader appends, and it refuses work it cannot keep up with.</summary>
public sealed class ProposalTests
{
    private static readonly ReadOnlyMemory<byte> Payload100 = new byte[100];

    [Fact]
    public void A_follower_refuses_a_proposal_and_names_the_leader()
    {
        // Raft paper §5.1 and §8: clients send all requests to the leader; a follower redirects them to it.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var follower = cluster[1];
        var lastIndex = follower.Raft.LastIndex;

        var result = follower.Raft.Propose(Logs.Payload("x"));

        Assert.False(result.Accepted);
        Assert.Equal((ProposeRejection.NotLeader, leader.Id, leader.Term), (result.Rejection, result.LeaderId, result.Term));
        Assert.Equal(lastIndex, follower.Raft.LastIndex);
        Assert.False(follower.Raft.HasReady);
    }

    [Fact]
    public void A_node_that_knows_no_leader_refuses_a_proposal_without_naming_one()
    {
        // Raft paper §8: with no leader known there is no one to redirect to; the client retries.
        var cluster = Cluster.Create(3);

        var result = cluster[1].Raft.Propose(Logs.Payload("x"));

        Assert.Equal((ProposeRejection.NotLeader, RaftNode.None), (result.Rejection, result.LeaderId));
    }

    [Fact]
    public void A_leader_appends_a_proposal_at_the_end_of_its_log_in_its_term()
    {
        // Raft paper §5.3: the leader appends the command to its log as a new entry of its term.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        var result = leader.Raft.Propose([Logs.Payload("a"), Logs.Payload("b")]);

        Assert.Equal(new ProposeResult(ProposeRejection.None, 2, 3, leader.Term, leader.Id), result);
        Assert.Equal(3, leader.Raft.LastIndex);
    }

    [Fact]
    public void A_leader_holding_MaxUncommittedBytes_drops_proposals_as_overloaded_until_commits_catch_up()
    {
        // Beyond the paper (etcd's MaxUncommittedEntriesSize; cf. dissertation §10.2.2): cap the leader's uncommitted tail.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxUncommittedBytes = 200 });
        var leader = cluster.Elect(0);
        cluster.Isolate(0); // Nothing commits while the followers are unreachable.

        var first = leader.Raft.Propose(Payload100);
        var second = leader.Raft.Propose(Payload100);

        Assert.True(first.Accepted);
        Assert.Equal((ProposeRejection.Overloaded, leader.Id), (second.Rejection, second.LeaderId));
        Assert.Equal(first.LastIndex, leader.Raft.LastIndex);

        cluster.Recover();
        cluster.Run(cluster.Options.HeartbeatTicks);
        Assert.Equal(first.LastIndex, leader.Raft.CommitIndex);

        Assert.True(leader.Raft.Propose(Payload100).Accepted);
    }

    [Fact]
    public void A_proposal_larger_than_MaxUncommittedBytes_is_taken_when_nothing_is_uncommitted()
    {
        // As etcd's MaxUncommittedEntriesSize: the limit caps a backlog, so one entry larger than it must still get
        // through an idle leader, or it could never be written at all.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxUncommittedBytes = 50 });
        var leader = cluster.Elect(0);
        Assert.Equal(leader.Raft.CommitIndex, leader.Raft.AppliedIndex);

        Assert.True(leader.Raft.Propose(Payload100).Accepted);
    }

    [Fact]
    public void Proposals_that_fill_MaxUncommittedBytes_exactly_are_taken_and_one_byte_more_is_not()
    {
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxUncommittedBytes = 200 });
        var leader = cluster.Elect(0);
        cluster.Isolate(0);

        Assert.True(leader.Raft.Propose(Payload100).Accepted);
        var rest = 200 - (2 * Entry.Overhead) - Payload100.Length;
        Assert.True(leader.Raft.Propose(new byte[rest]).Accepted);

        Assert.Equal(ProposeRejection.Overloaded, leader.Raft.Propose(new byte[1]).Rejection);
    }

    [Fact]
    public void Entries_still_uncommitted_when_earlier_ones_are_applied_keep_counting_towards_MaxUncommittedBytes()
    {
        // The leader's "a" commits and b is proposed before the leader applies a: applying a gives back a's bytes only.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxUncommittedBytes = 200 });
        var leader = cluster.Elect(0);
        var a = leader.Raft.Propose(Payload100);
        cluster.HandleReady(0);
        cluster.DeliverWhere(m => m is AppendRequest { To: 1 });
        leader.Raft.Step(Assert.Single(cluster.Take(m => m is AppendResponse { From: 1 })));
        Assert.Equal(a.LastIndex, leader.Raft.CommitIndex);
        Assert.True(leader.Raft.Propose(new byte[40]).Accepted);
        cluster.Isolate(0);
        cluster.HandleReady(0);
        Assert.Equal(a.LastIndex, leader.Raft.AppliedIndex);

        // 64 bytes of b are still uncommitted: 64 + 144 is over the limit.
        Assert.Equal(ProposeRejection.Overloaded, leader.Raft.Propose(new byte[120]).Rejection);
    }
}
