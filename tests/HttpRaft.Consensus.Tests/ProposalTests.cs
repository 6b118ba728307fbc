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
}
