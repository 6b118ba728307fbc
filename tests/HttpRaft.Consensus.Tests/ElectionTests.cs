using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>Leader election: timeouts, majorities, one vote per term, the up-to-date rule, and term precedence.</summary>
public sealed class ElectionTests
{
    private const int ElectionTicks = 10;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_follower_campaigns_only_after_its_randomized_election_timeout(int seed)
    {
        // Raft paper §5.2: a follower that hears from no leader for a randomized election timeout starts an election.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { Seed = seed });

        cluster.Tick(0, ElectionTicks - 1);
        Assert.Equal(Role.Follower, cluster[0].Role);
        Assert.Empty(cluster.InFlight);

        var ticks = (ElectionTicks - 1) + TicksUntilCampaign(cluster, 0);

        Assert.InRange(ticks, ElectionTicks, (2 * ElectionTicks) - 1);
        Assert.Equal(Role.PreCandidate, cluster[0].Role);
        Assert.Equal([1, 2], cluster.InFlight.OfType<VoteRequest>().Select(m => m.To).Order());
    }

    [Fact]
    public void Randomized_election_timeouts_differ_across_seeds_and_repeat_for_one_seed()
    {
        // Raft paper §5.2: timeouts are chosen at random so that split votes are rare and resolve quickly.
        var timeouts = Enumerable.Range(1, 8)
            .Select(seed => TicksUntilCampaign(Cluster.Create(3, ClusterOptions.Default with { Seed = seed }), 0))
            .ToList();
        var sameSeedAgain = Enumerable.Range(1, 8)
            .Select(seed => TicksUntilCampaign(Cluster.Create(3, ClusterOptions.Default with { Seed = seed }), 0))
            .ToList();
        var nodesOfOneCluster = Cluster.Create(5);
        var perNode = Enumerable.Range(0, 5).Select(id => TicksUntilCampaign(nodesOfOneCluster, id)).ToList();

        Assert.True(timeouts.Distinct().Count() > 1, $"every seed timed out after {timeouts[0]} ticks");
        Assert.Equal(timeouts, sameSeedAgain);
        Assert.True(perNode.Distinct().Count() > 1, $"every node timed out after {perNode[0]} ticks");
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 1)]
    [InlineData(5, 1)]
    [InlineData(5, 2)]
    [InlineData(5, 3)]
    public void A_cluster_elects_exactly_one_leader_that_all_nodes_follow(int size, int seed)
    {
        // Raft paper §5.2 (Election Safety, Figure 3): at most one leader can be elected in a given term.
        var cluster = Cluster.Create(size, ClusterOptions.Default with { Seed = seed });
        var leadersByTerm = new Dictionary<long, HashSet<int>>();

        for (var tick = 0; tick < 20 * ElectionTicks; tick++)
        {
            cluster.Run(1);
            foreach (var leader in cluster.Nodes.Where(n => n.Role == Role.Leader))
            {
                if (!leadersByTerm.TryGetValue(leader.Term, out var ids)) leadersByTerm[leader.Term] = ids = [];
                ids.Add(leader.Id);
            }
        }

        var elected = Assert.Single(cluster.Nodes, n => n.Role == Role.Leader);
        Assert.All(leadersByTerm.Values, ids => Assert.Single(ids));
        Assert.All(cluster.Nodes, n => Assert.Equal((elected.Term, elected.Id), (n.Term, n.Raft.LeaderId)));
    }

    [Theory]
    [InlineData(3, new[] { 1 }, new int[0], Role.Leader)]
    [InlineData(3, new int[0], new[] { 1 }, Role.Candidate)]
    [InlineData(3, new int[0], new[] { 1, 2 }, Role.Follower)]
    [InlineData(4, new[] { 1 }, new[] { 2 }, Role.Candidate)]
    [InlineData(4, new[] { 1, 2 }, new int[0], Role.Leader)]
    [InlineData(4, new[] { 1 }, new[] { 2, 3 }, Role.Follower)]
    [InlineData(5, new[] { 1 }, new[] { 2 }, Role.Candidate)]
    [InlineData(5, new[] { 1, 2 }, new int[0], Role.Leader)]
    [InlineData(5, new[] { 1 }, new[] { 2, 3, 4 }, Role.Follower)]
    [InlineData(5, new int[0], new[] { 1, 2 }, Role.Candidate)]
    public void A_candidate_leads_with_a_majority_of_votes_and_yields_to_a_majority_of_rejections(
        int size, int[] granted, int[] rejected, Role expected)
    {
        // Raft paper §5.2: a candidate wins with votes from a majority; it stays candidate until it wins or cannot.
        var cluster = Cluster.Create(size, ClusterOptions.Paper);
        var candidate = cluster[0];
        candidate.Raft.Campaign();
        Assert.Equal((Role.Candidate, 1L), (candidate.Role, candidate.Term));

        foreach (var voter in granted) candidate.Raft.Step(new VoteResponse(voter, 0, 1, PreVote: false, Granted: true));
        foreach (var voter in rejected) candidate.Raft.Step(new VoteResponse(voter, 0, 1, PreVote: false, Granted: false));

        Assert.Equal(expected, candidate.Role);
        Assert.Equal(1, candidate.Term);
    }

    [Fact]
    public void A_node_grants_one_vote_per_term_to_the_first_candidate_that_asks()
    {
        // Raft paper §5.2: each server votes for at most one candidate in a given term, first-come-first-served.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        cluster[0].Raft.Campaign();
        cluster[2].Raft.Campaign();
        cluster.HandleAllReady();

        // Node 1 hears node 0 first, so node 2's request in the same term is refused.
        cluster.DeliverWhere(m => m is VoteRequest { To: 1 });
        var answers = cluster.InFlight.OfType<VoteResponse>().Where(m => m.From == 1).ToList();
        Assert.Equal([(0, true), (2, false)], answers.Select(m => (m.To, m.Granted)));
        Assert.Equal(0, cluster[1].Status.VotedFor);

        // A retransmitted request from the candidate it voted for is granted again.
        cluster.Deliver(new VoteRequest(0, 1, 1, PreVote: false, 0, 0));
        Assert.True(cluster.InFlight.OfType<VoteResponse>().Last(m => m.From == 1).Granted);

        cluster.Stabilize();
        Assert.Equal(Role.Leader, cluster[0].Role);
        Assert.Equal(Role.Follower, cluster[2].Role);
        Assert.Equal(1, cluster[2].Term);
    }

    [Theory]
    [InlineData(3, 2, true)]  // same last term, same length
    [InlineData(4, 2, true)]  // same last term, longer
    [InlineData(1, 3, true)]  // later last term wins even when shorter
    [InlineData(2, 2, false)] // same last term, shorter
    [InlineData(5, 1, false)] // longer, but an older last term
    [InlineData(0, 0, false)] // empty log
    public void A_voter_refuses_a_candidate_whose_log_is_less_up_to_date(long lastIndex, long lastTerm, bool granted)
    {
        // Raft paper §5.4.1: grant a vote only if the candidate's log is at least as up-to-date: compare last terms, then lengths.
        var cluster = Cluster.FromDisks(ClusterOptions.Paper, new MemoryStorage(), Logs.Disk(2, [1, 1, 2]), new MemoryStorage());
        var voter = cluster[1];

        cluster.Deliver(new VoteRequest(0, 1, 3, PreVote: false, lastIndex, lastTerm));

        var answer = Assert.Single(cluster.InFlight.OfType<VoteResponse>());
        Assert.Equal(granted, answer.Granted);
        Assert.Equal(3, voter.Term); // The higher term is adopted either way (§5.1).
        Assert.Equal(granted ? 0 : RaftNode.None, voter.Status.VotedFor);
    }

    [Fact]
    public void A_candidate_with_a_stale_log_cannot_win_an_election()
    {
        // Raft paper §5.4.1: the voting rule keeps a node that misses committed entries from becoming leader.
        var cluster = Cluster.FromDisks(
            ClusterOptions.Paper,
            Logs.Disk(1, [1]),
            Logs.Disk(2, [1, 1, 2], commit: 3),
            Logs.Disk(2, [1, 1, 2], commit: 3));

        cluster.Elect(0);

        Assert.Equal(Role.Follower, cluster[0].Role);
        Assert.Null(cluster.Leader);
    }

    [Fact]
    public void A_leader_steps_down_when_it_hears_of_a_higher_term()
    {
        // Raft paper §5.1: a server that sees a larger term updates its term and, if leader, reverts to follower.
        // Check-quorum is off so that only the higher term can depose the old leader.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { CheckQuorum = false });
        var oldLeader = cluster.Elect(0);
        var oldTerm = oldLeader.Term;

        cluster.Isolate(0);
        cluster.RunUntil(() => cluster[1].Role == Role.Leader || cluster[2].Role == Role.Leader);
        var newLeader = cluster.Nodes.Single(n => n.Id != 0 && n.Role == Role.Leader);
        Assert.Equal(Role.Leader, oldLeader.Role); // Still believes it leads: nothing told it otherwise.

        cluster.Recover();
        cluster.Run(ElectionTicks);

        Assert.Equal(Role.Follower, oldLeader.Role);
        Assert.True(newLeader.Term > oldTerm);
        Assert.Equal((newLeader.Term, newLeader.Id), (oldLeader.Term, oldLeader.Raft.LeaderId));
        Assert.Equal(Role.Leader, newLeader.Role);
    }

    [Fact]
    public void A_leader_steps_down_when_a_follower_answers_with_a_higher_term()
    {
        // Raft paper §5.1: a stale leader learns the newer term from any response and reverts to follower.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        var higherTerm = leader.Term + 5;

        cluster.Deliver(new AppendResponse(1, 0, higherTerm, Success: false, 0, 0, 0));

        Assert.Equal(Role.Follower, leader.Role);
        Assert.Equal(higherTerm, leader.Term);
        Assert.Equal(RaftNode.None, leader.Raft.LeaderId);
    }

    /// <summary>Ticks node <paramref name="id"/> until it starts (pre-)campaigning; returns the number of ticks.</summary>
    private static int TicksUntilCampaign(Cluster cluster, int id)
    {
        for (var ticks = 1; ticks <= 10 * ElectionTicks; ticks++)
        {
            cluster.Tick(id);
            if (cluster[id].Role != Role.Follower) return ticks;
        }
        throw new InvalidOperationException($"Node {id} never campaigned.");
    }

    [Fact]
    public void A_voter_that_grants_its_vote_waits_a_whole_election_timeout_before_it_campaigns_itself()
    {
        // §5.2: granting a vote resets the election timer, so a voter does not start a rival election right after
        // helping a candidate, even when the vote comes in a term it already knew.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        var voter = cluster[1];
        cluster.Deliver(new VoteRequest(2, 1, 1, PreVote: false, LastLogIndex: 0, LastLogTerm: 0));
        cluster.Drop(_ => true);
        cluster.Tick(1, ElectionTicks - 1);
        cluster.Drop(_ => true);
        Assert.Equal((Role.Follower, 1L, 2), (voter.Role, voter.Term, voter.Status.VotedFor));

        cluster.Deliver(new VoteRequest(2, 1, 1, PreVote: false, LastLogIndex: 0, LastLogTerm: 0));
        Assert.True(Assert.Single(cluster.Take(m => m is VoteResponse).OfType<VoteResponse>()).Granted);
        cluster.Tick(1, ElectionTicks - 1);

        Assert.Equal(Role.Follower, voter.Role);
        Assert.Empty(cluster.InFlight.OfType<VoteRequest>());
    }

    [Fact]
    public void A_candidate_counts_only_answers_to_the_kind_of_request_it_sent()
    {
        // Dissertation §9.6: a pre-vote grant is not a vote, and a vote left over from a real election is not a pre-vote.
        var cluster = Cluster.Create(3);
        var node = cluster[0];
        node.Raft.Campaign();
        cluster.HandleReady(0);
        cluster.Drop(_ => true);

        cluster.Deliver(new VoteResponse(1, 0, 0, PreVote: false, Granted: true));
        Assert.Equal((Role.PreCandidate, 0L), (node.Role, node.Term));

        cluster.Deliver(new VoteResponse(1, 0, 1, PreVote: true, Granted: true));
        Assert.Equal((Role.Candidate, 1L), (node.Role, node.Term));
        cluster.Drop(_ => true);

        cluster.Deliver(new VoteResponse(2, 0, 1, PreVote: true, Granted: true));
        Assert.Equal(Role.Candidate, node.Role);
        cluster.Deliver(new VoteResponse(2, 0, 1, PreVote: false, Granted: true));
        Assert.Equal(Role.Leader, node.Role);
    }
    [Fact]
    public void A_leader_asked_to_campaign_stays_leader_in_its_term()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var term = leader.Term;

        leader.Raft.Campaign();
        cluster.HandleReady(0);

        Assert.Equal((Role.Leader, term), (leader.Role, leader.Term));
        Assert.Empty(cluster.InFlight.OfType<VoteRequest>());
    }

    [Fact]
    public void A_node_told_it_was_removed_does_not_campaign_even_when_asked()
    {
        // Dissertation §4.2.3: a removed server must not disrupt the cluster with elections.
        var cluster = Cluster.Create(3);
        var node = cluster[2];
        node.Raft.ReportRemoved();

        node.Raft.Campaign();
        cluster.HandleReady(2);

        Assert.Equal((Role.Follower, 0L), (node.Role, node.Term));
        Assert.Empty(cluster.InFlight);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_election_a_node_starts_itself_is_not_a_leadership_transfer(bool preVote)
    {
        // Only TimeoutNow from the leader makes a transfer election, which voters grant inside their lease (§3.10).
        var cluster = Cluster.Create(3, ClusterOptions.Default with { PreVote = preVote });
        var node = cluster[0];
        node.Raft.Campaign();
        cluster.HandleReady(0);
        if (preVote)
        {
            cluster.Drop(_ => true);
            cluster.Deliver(new VoteResponse(1, 0, 1, PreVote: true, Granted: true));
        }

        var requests = cluster.InFlight.OfType<VoteRequest>().Where(r => !r.PreVote).ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.False(r.Transfer));
    }

    [Fact]
    public void Without_pre_vote_a_node_that_campaigns_on_its_own_cannot_depose_a_leader_its_voters_hear_from()
    {
        // Check-quorum's lease: voters that heard from a leader within the election timeout ignore ordinary vote
        // requests, and so does the leader itself however long it has led (it runs no election timer).
        var cluster = Cluster.Create(3, ClusterOptions.Default with { PreVote = false, CheckQuorum = true });
        var leader = cluster.Elect(0);
        var term = leader.Term;
        cluster.Run(3 * ElectionTicks);

        cluster[2].Raft.Campaign();
        cluster.HandleReady(2);
        cluster.Stabilize();

        Assert.Equal((Role.Leader, term), (leader.Role, leader.Term));
        Assert.NotEqual(Role.Leader, cluster[2].Role);
    }

    [Fact]
    public void A_follower_that_hears_only_append_requests_from_its_leader_never_campaigns()
    {
        // §5.2: any AppendEntries from the current leader resets the election timer, not only heartbeats.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        cluster.Deliver(new Heartbeat(0, 1, 1, 0, 0));
        var follower = cluster[1];

        for (var round = 0; round < 5; round++)
        {
            cluster.Tick(1, ElectionTicks - 1);
            cluster.Deliver(new AppendRequest(0, 1, 1, 0, 0, [], 0));
        }

        Assert.Equal((Role.Follower, 1L, 0), (follower.Role, follower.Term, follower.Raft.LeaderId));
        Assert.Empty(cluster.InFlight.OfType<VoteRequest>());
    }

    [Fact]
    public void A_candidate_that_hears_from_the_leader_of_its_term_follows_it_and_answers_at_once()
    {
        // §5.2: a candidate that receives AppendEntries from a leader of its own term returns to follower, and the
        // request is handled like any other rather than left for the leader to resend.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        var candidate = cluster[1];
        candidate.Raft.Campaign();
        cluster.HandleReady(1);
        cluster.Drop(_ => true);
        Assert.Equal((Role.Candidate, 1L), (candidate.Role, candidate.Term));

        cluster.Deliver(new AppendRequest(0, 1, 1, 0, 0, [Entry.NoOp(1, 1)], 0));

        Assert.Equal((Role.Follower, 0), (candidate.Role, candidate.Raft.LeaderId));
        var answer = Assert.Single(cluster.InFlight.OfType<AppendResponse>());
        Assert.Equal((true, 1L), (answer.Success, answer.Index));
    }
}
