using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>Check-quorum: a leader that lost its majority steps down, and followers of a live leader ignore disruptive votes.</summary>
public sealed class CheckQuorumTests
{
    private const int ElectionTicks = 10;

    [Fact]
    public void A_connected_leader_keeps_leading()
    {
        // Dissertation §6.2: a leader that hears from a majority every election timeout stays leader.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var term = leader.Term;

        cluster.Run(10 * ElectionTicks);

        Assert.Equal((Role.Leader, term), (leader.Role, leader.Term));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void A_leader_cut_off_from_the_majority_steps_down_within_two_election_timeouts(int size)
    {
        // Dissertation §6.2: a leader steps down if an election timeout passes without a successful round with a majority.
        var cluster = Cluster.Create(size);
        var leader = cluster.Elect(0);
        var term = leader.Term;
        cluster.Run(3); // Leadership is established and followers have answered.

        cluster.Isolate(0);
        var ticks = 0;
        while (leader.Role == Role.Leader && ticks < 10 * ElectionTicks)
        {
            cluster.Tick(0);
            ticks++;
        }

        Assert.Equal(Role.Follower, leader.Role);
        Assert.InRange(ticks, 1, 2 * ElectionTicks);
        Assert.Equal(term, leader.Term); // Stepping down needs no new term.
        Assert.Equal(RaftNode.None, leader.Raft.LeaderId);
    }

    [Fact]
    public void A_leader_that_still_hears_from_a_bare_majority_keeps_leading()
    {
        // Dissertation §6.2: one reachable follower in three is still a majority with the leader itself.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        cluster.Cut(0, 2);
        cluster.Run(10 * ElectionTicks);

        Assert.Equal(Role.Leader, leader.Role);
    }

    [Fact]
    public void A_leader_that_steps_down_for_lack_of_quorum_sends_and_proposes_nothing_more_on_that_tick()
    {
        // Dissertation §6.2: once the check finds no majority the node is a follower, and a follower appends nothing of
        // its own. The step-down tick is also a heartbeat tick, the one at which a leader promotes a caught-up learner:
        // that promotion must not be written into the log of a node that no longer leads.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var learner = cluster.AddNode();
        cluster.Isolate(learner.Id);
        leader.Raft.ProposeChange(new MembershipChange.AddLearner("node-3", PromoteWhenCaughtUp: true));
        cluster.Stabilize(); // The voters hold and commit the learner's addition; the learner has nothing yet.
        var stepDownTick = 2 * ElectionTicks; // The first check counts the voters' answers above; the second finds none.
        Assert.Equal(0, stepDownTick % cluster.Options.HeartbeatTicks);
        cluster.Recover();
        cluster.Cut(leader.Id, 1);
        cluster.Cut(leader.Id, 2);
        cluster.Tick(leader.Id, stepDownTick - 2); // Nothing is delivered: the learner stays behind at every heartbeat.
        cluster.Stabilize(); // The learner catches up just before the step-down tick.
        cluster.Tick(leader.Id);
        Assert.Equal(Role.Leader, leader.Role);
        Assert.Equal(leader.Raft.LastIndex, leader.Status.Followers[learner.Id].MatchIndex);
        var lastIndex = leader.Raft.LastIndex;

        cluster.Tick(leader.Id);

        Assert.Equal(Role.Follower, leader.Role);
        Assert.Empty(cluster.InFlight);
        Assert.Equal(lastIndex, leader.Raft.LastIndex);
        Assert.Equal(MemberRole.Learner, leader.Raft.Configuration.Find(learner.Id)!.Role);
    }

    [Fact]
    public void A_follower_that_heard_from_its_leader_recently_ignores_a_higher_term_vote_request()
    {
        // Dissertation §6.2 (leader lease) and §4.2.3: a server within the minimum election timeout of hearing from a
        // leader neither updates its term nor grants its vote.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var follower = cluster[1];
        var term = follower.Term;
        var disruptive = new VoteRequest(2, 1, term + 1, PreVote: false, follower.Raft.LastIndex, term);

        cluster.Deliver(disruptive);

        Assert.Empty(cluster.InFlight);
        Assert.Equal((term, 0, leader.Id), (follower.Term, follower.Status.VotedFor, follower.Raft.LeaderId));

        // Once an election timeout passes without word from the leader, the same request is heard.
        cluster.Isolate(0);
        cluster.Tick(1, ElectionTicks);
        cluster.Recover();
        cluster.Deliver(disruptive);

        Assert.Contains(cluster.InFlight.OfType<VoteResponse>(), r => r is { From: 1, To: 2, Granted: true, PreVote: false });
        Assert.Equal((term + 1, 2), (follower.Term, follower.Status.VotedFor));
    }

    [Fact]
    public void A_follower_in_its_lease_ignores_pre_votes_too()
    {
        // Dissertation §9.6 with §6.2: pre-votes are refused while the voter has heard from a leader recently.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        cluster.Deliver(new VoteRequest(2, 1, leader.Term + 1, PreVote: true, cluster[1].Raft.LastIndex, leader.Term));

        Assert.Empty(cluster.InFlight);
    }
}
