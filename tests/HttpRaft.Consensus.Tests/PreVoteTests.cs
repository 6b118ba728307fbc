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
}
