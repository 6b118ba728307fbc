using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// A vote is for the whole term: it survives stepping down (the Go original cleared it) and restarts (the Go
/// original persisted nothing), so no node ever votes twice in one term.
/// </summary>
public sealed class VoteDurabilityTests
{
    [Fact]
    public void A_candidate_that_loses_keeps_its_vote_for_itself()
    {
        // Raft paper §5.2 and Figure 2 (votedFor): a candidate votes for itself and may vote for no one else in that term.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        var candidate = cluster[2];
        candidate.Raft.Campaign();
        candidate.Raft.Step(new VoteResponse(0, 2, 1, PreVote: false, Granted: false));
        candidate.Raft.Step(new VoteResponse(1, 2, 1, PreVote: false, Granted: false));
        Assert.Equal((Role.Follower, 1L, RaftNode.None), (candidate.Role, candidate.Term, candidate.Raft.LeaderId));

        cluster.Deliver(new VoteRequest(0, 2, 1, PreVote: false, 0, 0));

        Assert.False(Assert.Single(cluster.InFlight.OfType<VoteResponse>()).Granted);
        Assert.Equal(2, candidate.Status.VotedFor);
        Assert.Equal(new HardState(1, 2, 0), candidate.Storage.HardState);
    }

    [Fact]
    public void A_candidate_that_hears_from_the_terms_leader_keeps_its_vote()
    {
        // Raft paper §5.2: a candidate that learns of a legitimate leader returns to follower, in the same term.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        var candidate = cluster[1];
        candidate.Raft.Campaign();
        cluster.HandleReady(1);
        cluster.Drop(_ => true);

        cluster.Deliver(new Heartbeat(0, 1, 1, Commit: 0, ReadRound: 0));

        Assert.Equal((Role.Follower, 1L, 0), (candidate.Role, candidate.Term, candidate.Raft.LeaderId));
        Assert.Equal(1, candidate.Status.VotedFor);
        Assert.Equal(1, candidate.Storage.HardState.VotedFor);
    }

    [Fact]
    public void A_leader_that_steps_down_in_its_term_keeps_its_vote()
    {
        // Raft paper Figure 2 (votedFor is persistent state for the term) with dissertation §6.2 (check-quorum step-down).
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var term = leader.Term;
        cluster.Isolate(0);
        cluster.Tick(0, 2 * cluster.Options.ElectionTicks);
        Assert.Equal((Role.Follower, term), (leader.Role, leader.Term));
        cluster.Recover();

        cluster.Deliver(new VoteRequest(1, 0, term, PreVote: false, leader.Raft.LastIndex, term));

        Assert.False(Assert.Single(cluster.InFlight.OfType<VoteResponse>()).Granted);
        Assert.Equal(0, leader.Status.VotedFor);
    }

    [Fact]
    public void A_vote_is_persisted_in_the_same_batch_that_sends_it()
    {
        // Dissertation §3.8: a server persists its vote before it responds, so the promise outlives a crash.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);

        cluster.Deliver(new VoteRequest(0, 1, 1, PreVote: false, 0, 0));

        var batch = Assert.Single(cluster[1].Readies, r => r.Messages.OfType<VoteResponse>().Any());
        Assert.True(batch.Messages.OfType<VoteResponse>().Single().Granted);
        Assert.Equal(new HardState(1, 0, 0), batch.HardState);
        Assert.True(batch.MustSync);
    }

    [Fact]
    public void A_restarted_node_refuses_a_second_candidate_in_the_term_it_already_voted_in()
    {
        // Dissertation §3.8 and Raft paper Figure 2: currentTerm and votedFor are persistent, so a restart cannot free the vote.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        cluster.Deliver(new VoteRequest(0, 1, 1, PreVote: false, 0, 0));
        cluster.Drop(_ => true);

        cluster.Restart(1);
        Assert.Equal((1L, 0), (cluster[1].Term, cluster[1].Status.VotedFor));
        cluster.Deliver(new VoteRequest(2, 1, 1, PreVote: false, 0, 0));

        Assert.False(Assert.Single(cluster.InFlight.OfType<VoteResponse>()).Granted);

        // The candidate it voted for may still hear its vote repeated.
        cluster.Deliver(new VoteRequest(0, 1, 1, PreVote: false, 0, 0));
        Assert.True(cluster.InFlight.OfType<VoteResponse>().Last().Granted);
    }

    [Fact]
    public void A_restarted_leader_returns_as_a_follower_of_its_term_and_does_not_vote_again()
    {
        // Raft paper §5.1–5.2: a restarted server starts as a follower, with the term and vote it persisted.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var term = leader.Term;

        cluster.Restart(0);

        Assert.Equal((Role.Follower, term, 0), (cluster[0].Role, cluster[0].Term, cluster[0].Status.VotedFor));
        cluster.Deliver(new VoteRequest(1, 0, term, PreVote: false, cluster[0].Raft.LastIndex, term));
        Assert.False(Assert.Single(cluster.InFlight.OfType<VoteResponse>()).Granted);
    }
}
