using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>Pre-vote: a node asks whether it could win before it raises its term, so it cannot disrupt a healthy leader.</summary>
public sealed class PreVoteTests
{
    private const int ElectionTicks = 10;

    [Fact]
    public void A_partitioned_node_that_keeps_timing_out_does_not_raise_its_term()
    {
        // Dissertation §9.6: a pre-candidate raises its term only after a majority says it could win.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var term = leader.Term;

        cluster.Isolate(2);
        cluster.Run(10 * ElectionTicks);

        var loner = cluster[2];
        var requests = loner.Readies.SelectMany(r => r.Messages).OfType<VoteRequest>().ToList();
        Assert.True(requests.Count >= 10, $"only {requests.Count} vote requests: the node did not keep campaigning");
        Assert.All(requests, r => Assert.True(r.PreVote));
        Assert.Equal(term, loner.Term);
        Assert.Equal(term, loner.Storage.HardState.Term);
    }

    [Fact]
    public void When_a_partitioned_node_rejoins_the_leader_keeps_its_leadership_and_term()
    {
        // Dissertation §9.6: with pre-vote, a server rejoining the cluster does not force the leader to step down.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var term = leader.Term;
        cluster.Isolate(2);
        cluster.Run(10 * ElectionTicks);

        cluster.Recover();
        cluster.Run(5 * ElectionTicks);

        Assert.Equal(Role.Leader, leader.Role);
        Assert.All(cluster.Nodes, n => Assert.Equal((term, 0), (n.Term, n.Raft.LeaderId)));
    }

    [Fact]
    public void Without_pre_vote_a_rejoining_node_deposes_the_healthy_leader()
    {
        // Dissertation §9.6: the problem pre-vote solves — the rejoining node's inflated term disrupts the cluster.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { PreVote = false });
        var leader = cluster.Elect(0);
        var term = leader.Term;
        cluster.Isolate(2);
        cluster.Run(10 * ElectionTicks);
        Assert.True(cluster[2].Term > term + 1);

        cluster.Recover();
        cluster.RunUntil(() => cluster.Leader is { } l && l.Term > term, maxTicks: 50 * ElectionTicks);

        Assert.NotEqual((Role.Leader, term), (leader.Role, leader.Term));
    }

    [Fact]
    public void A_pre_vote_grant_records_no_vote_and_leaves_the_voters_term_unchanged()
    {
        // Dissertation §9.6: a pre-vote is a question, not a vote: the voter's term and vote stay as they were.
        var cluster = Cluster.Create(3);
        var voter = cluster[1];

        cluster.Deliver(new VoteRequest(0, 1, 1, PreVote: true, 0, 0));

        var answer = Assert.Single(cluster.InFlight.OfType<VoteResponse>());
        Assert.Equal(new VoteResponse(1, 0, 1, PreVote: true, Granted: true), answer);
        Assert.Equal(0, voter.Term);
        Assert.Equal(RaftNode.None, voter.Status.VotedFor);
        Assert.Equal(HardState.Empty, voter.Storage.HardState);

        // Its real vote for term 1 is still free to give to another candidate.
        cluster.Deliver(new VoteRequest(2, 1, 1, PreVote: false, 0, 0));
        Assert.True(cluster.InFlight.OfType<VoteResponse>().Last().Granted);
        Assert.Equal(2, voter.Status.VotedFor);
    }

    [Fact]
    public void A_pre_candidate_that_wins_the_pre_vote_then_campaigns_in_the_next_term()
    {
        // Dissertation §9.6: only after a majority of pre-votes does the node increment its term and request real votes.
        var cluster = Cluster.Create(3);
        var node = cluster[0];

        node.Raft.Campaign();
        cluster.HandleReady(0);
        Assert.Equal((Role.PreCandidate, 0L), (node.Role, node.Term));
        Assert.All(cluster.InFlight.OfType<VoteRequest>(), r => Assert.Equal((true, 1L), (r.PreVote, r.Term)));

        cluster.DeliverWhere(m => m is VoteRequest);
        cluster.DeliverWhere(m => m is VoteResponse { From: 1 });

        Assert.Equal((Role.Candidate, 1L), (node.Role, node.Term));
        Assert.All(cluster.InFlight.OfType<VoteRequest>(), r => Assert.Equal((false, 1L), (r.PreVote, r.Term)));
    }

    [Fact]
    public void A_pre_candidate_with_a_stale_log_loses_without_raising_any_term()
    {
        // Dissertation §9.6: the pre-vote applies the same up-to-date check (§5.4.1), so a hopeless campaign changes nothing.
        var cluster = Cluster.FromDisks(ClusterOptions.Default, Logs.Disk(2, [1]), Logs.Disk(2, [1, 2]), Logs.Disk(2, [1, 2]));

        cluster.Elect(0);

        Assert.Equal([2L, 2, 2], cluster.Nodes.Select(n => n.Term));
        Assert.Equal(Role.Follower, cluster[0].Role);
        Assert.All(cluster.Nodes, n => Assert.Equal(RaftNode.None, n.Status.VotedFor));
    }

    [Fact]
    public void A_pre_vote_is_granted_only_for_a_later_term_and_a_log_at_least_as_up_to_date()
    {
        // Dissertation §9.6: a pre-vote asks "would you vote for me in the next term?". A voter that follows a leader in
        // the very term asked about says no whatever the log; for a later term it answers on the log alone (§5.4.1).
        var cluster = Cluster.Create(3, ClusterOptions.Default with { CheckQuorum = false });
        var term = cluster.Elect(0).Term;
        var voter = cluster[1];
        var (lastIndex, lastTerm) = (voter.Raft.LastIndex, voter.Term);

        bool Answer(long askedTerm, long askedLastIndex)
        {
            cluster.Deliver(new VoteRequest(2, 1, askedTerm, PreVote: true, askedLastIndex, lastTerm));
            var answer = Assert.Single(cluster.Take(m => m is VoteResponse { From: 1, To: 2 }).OfType<VoteResponse>());
            Assert.True(answer.PreVote);
            return answer.Granted;
        }

        Assert.False(Answer(term, lastIndex));
        Assert.True(Answer(term + 1, lastIndex));
        Assert.False(Answer(term + 1, lastIndex - 1));
        Assert.Equal((term, 0), (voter.Term, voter.Status.VotedFor));
    }

    [Fact]
    public void A_pre_candidate_refused_by_a_voter_of_a_later_term_adopts_that_term_and_follows()
    {
        // §5.1: a node that learns of a later term from any answer moves to it; a pre-candidate otherwise keeps
        // asking in a term the cluster has left behind.
        var cluster = Cluster.Create(3);
        var node = cluster[0];
        node.Raft.Campaign();
        cluster.HandleReady(0);
        cluster.Drop(_ => true);

        cluster.Deliver(new VoteResponse(1, 0, 5, PreVote: true, Granted: false));

        Assert.Equal((Role.Follower, 5L, RaftNode.None), (node.Role, node.Term, node.Raft.LeaderId));
    }

    [Fact]
    public void Pre_votes_from_an_earlier_round_do_not_count_in_the_next()
    {
        // Dissertation §9.6: each pre-vote round is a fresh question; grants or refusals of a round that timed out say
        // nothing about the next, so they neither win it nor lose it. (A refusal carries the voter's own term.)
        var cluster = Cluster.Create(5);
        var node = cluster[0];
        TickUntilItAsksAgain(cluster, node);
        cluster.Deliver(new VoteResponse(1, 0, 1, PreVote: true, Granted: true));
        cluster.Deliver(new VoteResponse(2, 0, 0, PreVote: true, Granted: false));
        cluster.Deliver(new VoteResponse(3, 0, 0, PreVote: true, Granted: false));

        TickUntilItAsksAgain(cluster, node);
        cluster.Deliver(new VoteResponse(4, 0, 1, PreVote: true, Granted: true));
        Assert.Equal((Role.PreCandidate, 0L), (node.Role, node.Term));
        cluster.Deliver(new VoteResponse(1, 0, 0, PreVote: true, Granted: false));
        Assert.Equal((Role.PreCandidate, 0L), (node.Role, node.Term));
    }

    [Fact]
    public void A_pre_candidate_waits_a_whole_election_timeout_before_it_asks_again()
    {
        // §5.2: every campaign starts a new randomized timeout; without it a node that cannot win sends a round of
        // requests every tick.
        var cluster = Cluster.Create(3);
        var node = cluster[0];
        TickUntilItAsksAgain(cluster, node);

        cluster.Tick(0, ElectionTicks - 1);

        Assert.Empty(cluster.InFlight.OfType<VoteRequest>());
        Assert.Equal(Role.PreCandidate, node.Role);
    }

    private static void TickUntilItAsksAgain(Cluster cluster, TestNode node)
    {
        for (var tick = 0; tick < 2 * ElectionTicks && !cluster.InFlight.OfType<VoteRequest>().Any(); tick++) cluster.Tick(node.Id);
        Assert.True(cluster.Drop(m => m is VoteRequest) > 0, "the pre-candidate never asked again");
    }
}
