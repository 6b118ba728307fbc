using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// Membership changes one server at a time (Raft dissertation §4): a configuration entry takes effect when it is
/// appended, a leader makes one change at a time and only after committing an entry of its own term, learners receive
/// the log but neither vote nor count, and a removed node cannot disrupt the cluster.
/// </summary>
public sealed class MembershipTests
{
    private const int ElectionTicks = 10;

    [Fact]
    public void A_new_node_joins_as_a_learner_and_receives_the_whole_log_from_a_leader_it_did_not_know()
    {
        // §4.2.1: a new server has no log and no configuration; it learns both from the leader.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose(Logs.Payload("before"));
        cluster.Stabilize();
        var joiner = cluster.AddNode();

        var result = leader.Raft.ProposeChange(new MembershipChange.AddLearner("node-3", PromoteWhenCaughtUp: false));
        cluster.Stabilize();

        Assert.True(result.Accepted);
        Assert.Equal(new ClusterMember(3, MemberRole.Learner, "node-3"), result.Member);
        Assert.Equal(leader.Raft.LastIndex, joiner.Raft.LastIndex);
        Assert.Contains("before", joiner.PersistedLog.Select(e => e.Text()));
        Assert.Equal(MemberRole.Learner, joiner.Raft.Configuration.Find(3)!.Role);
        Assert.Equal([0, 1, 2], leader.Raft.Configuration.Voters);
    }

    [Fact]
    public void A_learner_never_campaigns()
    {
        // §4.2.1: a server that is not a voter must not start elections, whatever its timer says.
        var (cluster, _, learner) = ClusterWithLearner();
        cluster.Isolate(learner.Id);

        cluster.Tick(learner.Id, 10 * ElectionTicks);

        Assert.Equal(Role.Follower, learner.Role);
        Assert.Empty(cluster.InFlight);
    }

    [Fact]
    public void A_learner_does_not_count_towards_a_commit()
    {
        // §4.2.1: only voters make a majority. With two of three voters cut off, the learner's copy commits nothing.
        var (cluster, leader, _) = ClusterWithLearner();
        var commit = leader.Raft.CommitIndex;
        cluster.Cut(0, 1);
        cluster.Cut(0, 2);

        leader.Raft.Propose(Logs.Payload("needs a voter"));
        cluster.Stabilize();

        Assert.Equal(commit, leader.Raft.CommitIndex);
        Assert.Equal(leader.Raft.LastIndex, cluster[3].Raft.LastIndex);
    }

    [Fact]
    public void A_learner_that_has_not_caught_up_cannot_be_promoted_and_is_once_it_has()
    {
        var (cluster, leader, learner) = ClusterWithLearner();
        cluster.Isolate(learner.Id);
        leader.Raft.Propose([Logs.Payload("a"), Logs.Payload("b")]);
        cluster.Run(5); // Two heartbeats: the learner is measured against a commit index that includes a and b.

        Assert.Equal(ChangeRejection.NotCaughtUp, leader.Raft.ProposeChange(new MembershipChange.Promote(learner.Id)).Rejection);

        cluster.Recover();
        cluster.Run(3);
        var promoted = leader.Raft.ProposeChange(new MembershipChange.Promote(learner.Id));
        cluster.Stabilize();

        Assert.True(promoted.Accepted);
        Assert.Equal([0, 1, 2, 3], leader.Raft.Configuration.Voters);
        Assert.All(cluster.Nodes, n => Assert.Equal([0, 1, 2, 3], n.Raft.Configuration.Voters));
    }

    [Fact]
    public void A_learner_that_asked_to_vote_is_promoted_by_the_leader_once_caught_up()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var joiner = cluster.AddNode();

        leader.Raft.ProposeChange(new MembershipChange.AddLearner("node-3", PromoteWhenCaughtUp: true));
        cluster.RunUntil(() => leader.Raft.Configuration.IsVoter(joiner.Id), maxTicks: 5 * ElectionTicks);

        Assert.True(joiner.Raft.Configuration.IsVoter(joiner.Id));
        Assert.False(leader.Raft.Configuration.Find(joiner.Id)!.PromoteWhenCaughtUp);
    }

    [Fact]
    public void After_a_promotion_a_commit_needs_a_majority_of_the_new_voters()
    {
        // §4.1: the new configuration is used for every decision as soon as it is appended: four voters need three.
        var (cluster, leader, learner) = ClusterWithLearner();
        cluster.Run(3);
        leader.Raft.ProposeChange(new MembershipChange.Promote(learner.Id));
        cluster.Stabilize();
        var commit = leader.Raft.CommitIndex;
        cluster.Isolate(2);
        cluster.Isolate(3);

        leader.Raft.Propose(Logs.Payload("two of four is not enough"));
        cluster.Stabilize();

        Assert.Equal(commit, leader.Raft.CommitIndex);
    }

    [Fact]
    public void A_second_change_waits_until_the_first_is_committed()
    {
        // §4.1: one change at a time; the next may start only once the previous one is committed.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Isolate(1);
        cluster.Isolate(2);

        var first = leader.Raft.ProposeChange(new MembershipChange.AddLearner("a", false));
        var second = leader.Raft.ProposeChange(new MembershipChange.AddLearner("b", false));

        Assert.True(first.Accepted);
        Assert.Equal(ChangeRejection.Pending, second.Rejection);
        cluster.Recover();
        cluster.AddNode();
        cluster.Stabilize();
        Assert.True(leader.Raft.ProposeChange(new MembershipChange.AddLearner("b", false)).Accepted);
    }

    [Fact]
    public void A_new_leader_makes_no_change_before_it_has_committed_an_entry_of_its_term()
    {
        // The fix for the single-server change bug (Ongaro, raft-dev, 2015), as etcd and hashicorp/raft apply it. The
        // configuration in force is committed (node 0's first term wrote it), so only this rule holds node 1 back.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        cluster.Elect(0);
        var leader = WinElectionWithoutCommitting(cluster, 1);
        Assert.True(leader.Raft.ConfigurationIndex <= leader.Raft.CommitIndex);

        Assert.Equal(ChangeRejection.Pending, leader.Raft.ProposeChange(new MembershipChange.AddLearner("x", false)).Rejection);
        cluster.Stabilize();
        Assert.True(leader.Raft.ProposeChange(new MembershipChange.AddLearner("x", false)).Accepted);
    }

    [Fact]
    public void The_2015_single_server_change_bug_cannot_lose_a_committed_entry()
    {
        // Ongaro, raft-dev 2015: C_old = {0,1,2,3}. Leader 0 appends C1 = C_old + voter 4, reaching only node 4, and
        // fails. Node 1 wins term 2 with {1,2,3}. Without the guard, it removes node 3 at once (C2 = {0,1,2}) and
        // commits C2 with {1,2}: a majority of C2. Node 0 comes back: under C1 (five voters) {0,3,4} is a majority, its
        // log (C1 at term 1) is more up to date than node 3's, so it wins term 3 and overwrites the committed C2. With
        // the guard, node 1 must first commit its no-op under C_old, which it cannot do with node 3 cut off.
        var cluster = Cluster.Create(4, ClusterOptions.Paper);
        var first = cluster.Elect(0);
        cluster.AddNode();
        first.Raft.ProposeChange(new MembershipChange.AddLearner("node-4", PromoteWhenCaughtUp: false));
        cluster.Stabilize();
        foreach (var other in new[] { 1, 2, 3 }) cluster.Cut(0, other);
        Assert.True(first.Raft.ProposeChange(new MembershipChange.Promote(4)).Accepted);
        cluster.Stabilize(); // C1 reaches node 4 only.
        cluster.Isolate(0);
        cluster.Isolate(4);

        var second = WinElectionWithoutCommitting(cluster, 1);
        cluster.Cut(1, 3);
        var removal = second.Raft.ProposeChange(new MembershipChange.Remove(3));
        cluster.Stabilize();
        var committed = second.Raft.Status().CommitIndex;
        var committedEntries = second.PersistedLog.Take((int)committed).ToList();

        cluster.Recover();
        foreach (var other in new[] { 1, 2 }) cluster.Cut(0, other);
        cluster.Cut(4, 1);
        cluster.Cut(4, 2);
        // Node 0 comes back from a restart (still leading term 1, it would not campaign) and campaigns until it wins:
        // node 3 voted for node 1 in term 2, so it takes term 3.
        cluster.Restart(0);
        cluster[0].Raft.Campaign();
        cluster.Stabilize();
        cluster[0].Raft.Campaign();
        cluster.Stabilize();
        cluster.Recover();
        cluster.Run(5 * ElectionTicks);

        Assert.Equal(ChangeRejection.Pending, removal.Rejection);
        foreach (var node in cluster.Nodes.Where(n => n.Raft.LastIndex >= committed))
        {
            Assert.Equal(committedEntries.Shape(), node.PersistedLog.Take((int)committed).Shape());
        }
    }

    [Fact]
    public void A_removed_follower_no_longer_counts_and_never_campaigns()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        var removal = leader.Raft.ProposeChange(new MembershipChange.Remove(2));
        cluster.Stabilize();
        cluster.Isolate(2);
        cluster.Tick(2, 10 * ElectionTicks);
        leader.Raft.Propose(Logs.Payload("two voters now"));
        cluster.Stabilize();

        Assert.True(removal.Accepted);
        Assert.Equal([0, 1], leader.Raft.Configuration.Voters);
        Assert.True(cluster[2].Raft.Removed);
        Assert.Equal(Role.Follower, cluster[2].Role);
        Assert.Empty(cluster.InFlight);
        Assert.Equal(leader.Raft.LastIndex, leader.Raft.CommitIndex);
        Assert.Equal(3, leader.Raft.Configuration.NextId); // The id is never given out again.
    }

    [Fact]
    public void A_node_told_it_was_removed_stops_campaigning_until_a_leader_reaches_it()
    {
        // §4.2.3: a removed server that missed its removal must not disrupt the cluster; the host learns of the
        // removal from a peer's 410. A message from a leader lets the log decide again.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Isolate(2);

        cluster[2].Raft.ReportRemoved();
        cluster.Tick(2, 10 * ElectionTicks);
        Assert.Equal(Role.Follower, cluster[2].Role);

        cluster.Recover();
        cluster.Run(3); // A heartbeat reaches it.
        Assert.Equal(leader.Id, cluster[2].Raft.LeaderId);
        cluster.Isolate(2);
        cluster.Tick(2, 3 * ElectionTicks);
        Assert.Equal(Role.PreCandidate, cluster[2].Role);
    }

    [Fact]
    public void A_leader_missing_from_a_follower_s_stale_configuration_still_learns_its_higher_term()
    {
        // Found by the simulation (seed 1946 when it was found), with pre-vote and check-quorum off. Node 2 led term 1 and appended
        // "remove 0", which no one else received. Node 0 wins term 2 and removes node 1, so it needs node 2 to commit.
        // Node 2 restarts and campaigns, cut off, up to term 4 among the voters of its own log, {1, 2}. Back on the
        // network it ignores leader 0's term-2 messages as stale, never asks node 0 for a vote, and pushes node 1 (which
        // no longer campaigns) past term 2 as well. Unless a node answers a stale leader with its term (§5.1: every
        // answer carries the current term so that a stale leader updates itself), node 0 never learns it was deposed,
        // and nothing commits again.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        var first = cluster.Elect(2);
        cluster.Isolate(2);
        Assert.True(first.Raft.ProposeChange(new MembershipChange.Remove(0)).Accepted);
        cluster.HandleReady(2);
        var second = cluster.Elect(0);
        var removal = second.Raft.ProposeChange(new MembershipChange.Remove(1));
        cluster.Stabilize();
        cluster.Restart(2);
        for (var i = 0; i < 3; i++) cluster[2].Raft.Campaign();
        cluster.HandleReady(2);
        Assert.True(removal.Accepted);
        Assert.Equal([1, 2], cluster[2].Raft.Configuration.Voters);
        Assert.Equal(4, cluster[2].Raft.Term);

        cluster.Recover();
        cluster.Run(20 * ElectionTicks);

        Assert.True(cluster[0].Raft.CommitIndex >= removal.Index, $"node 0 committed {cluster[0].Raft.CommitIndex}, the removal is at {removal.Index}");
        Assert.Equal([0, 2], cluster[2].Raft.Configuration.Voters);
    }

    [Fact]
    public void A_candidate_that_a_voter_never_asks_for_a_vote_learns_its_later_term_from_the_refusal()
    {
        // Found by the simulation (seed 7491 of a run with a planted bug, which only made the interleaving likelier),
        // with pre-vote off. Node 1 lags with a configuration whose voters are {0, 1}; nodes 0 and 2 have moved on to
        // {1, 2}, where node 2 needs node 1's vote. Node 1's campaigns go to node 0 alone, which refuses (its log is
        // longer), so node 1's term climbs and node 2 never hears of it. Unless a node answers a vote request of an
        // older term with its own term (§5.1), node 2 asks in terms node 1 has passed, and must out-campaign node 1 by
        // the whole gap before its request counts.
        var cluster = Cluster.Create(2, ClusterOptions.Paper);
        var first = cluster.Elect(0);
        cluster.AddNode();
        first.Raft.ProposeChange(new MembershipChange.AddLearner("node-2", PromoteWhenCaughtUp: false));
        cluster.Stabilize();
        cluster.Isolate(1);
        first.Raft.ProposeChange(new MembershipChange.Promote(2));
        cluster.Stabilize();
        first.Raft.TransferLeadership(2);
        cluster.Stabilize();
        var removal = cluster[2].Raft.ProposeChange(new MembershipChange.Remove(0));
        cluster.Stabilize();
        for (var i = 0; i < 3; i++) cluster[1].Raft.Campaign();
        cluster.HandleReady(1);
        cluster.Restart(2); // Now a follower of term 2, behind node 1's term 4.
        cluster.Recover();
        Assert.True(removal.Accepted);
        Assert.Equal([0, 1], cluster[1].Raft.Configuration.Voters);

        cluster[2].Raft.Campaign();
        cluster.Stabilize();
        Assert.Equal(cluster[1].Raft.Term, cluster[2].Raft.Term);
        cluster[2].Raft.Campaign();
        cluster.Stabilize();

        Assert.Equal(Role.Leader, cluster[2].Role);
        Assert.True(cluster[2].Raft.CommitIndex >= removal.Index);
    }

    [Fact]
    public void The_leader_cannot_remove_itself_and_a_learner_or_unknown_node_cannot_be_made_leader()
    {
        var (cluster, leader, learner) = ClusterWithLearner();

        Assert.Equal(ChangeRejection.RemovesLeader, leader.Raft.ProposeChange(new MembershipChange.Remove(leader.Id)).Rejection);
        Assert.Equal(ChangeRejection.UnknownMember, leader.Raft.ProposeChange(new MembershipChange.Remove(9)).Rejection);
        Assert.Equal(ChangeRejection.UnknownMember, leader.Raft.ProposeChange(new MembershipChange.Promote(9)).Rejection);
        Assert.Equal(ChangeRejection.NotALearner, leader.Raft.ProposeChange(new MembershipChange.Promote(1)).Rejection);
        Assert.Equal(TransferResult.InvalidTarget, leader.Raft.TransferLeadership(learner.Id));
        Assert.Equal(ChangeRejection.NotLeader, cluster[1].Raft.ProposeChange(new MembershipChange.Remove(2)).Rejection);
    }

    [Fact]
    public void A_configuration_entry_cut_off_by_a_new_leader_is_no_longer_in_force()
    {
        // §4.1: a server uses the latest configuration in its log; when a conflicting suffix replaces that entry, the
        // configuration before it is in force again. Node 1 alone receives an uncommitted change; nodes 2-4 elect a
        // leader without it, whose log then replaces node 1's suffix.
        var cluster = Cluster.Create(5, ClusterOptions.Paper);
        var first = cluster.Elect(0);
        foreach (var other in new[] { 2, 3, 4 }) cluster.Cut(0, other);
        first.Raft.ProposeChange(new MembershipChange.AddLearner("never committed", false));
        cluster.Stabilize();
        Assert.Equal(6, cluster[1].Raft.Configuration.NextId);

        cluster.Isolate(0);
        cluster.Isolate(1);
        cluster.Elect(2);
        cluster.Recover();
        cluster.Isolate(0);
        cluster[2].Raft.Propose(Logs.Payload("newer"));
        cluster.Run(3); // Heartbeats reopen the probe to node 1 that was lost while it was cut off.

        Assert.Equal(Role.Leader, cluster[2].Role);
        Assert.Equal(5, cluster[1].Raft.Configuration.NextId);
        Assert.Null(cluster[1].Raft.Configuration.Find(5));
    }

    [Fact]
    public void A_configuration_round_trips_through_its_entry_and_refuses_damaged_data()
    {
        var configuration = new Configuration(
            [new ClusterMember(0, MemberRole.Voter, "a b"), new ClusterMember(4, MemberRole.Learner, "ünïcode", PromoteWhenCaughtUp: true)],
            nextId: 7);

        var back = Configuration.Decode(configuration.Encode());

        Assert.True(configuration.SameAs(back));
        Assert.True(back.Removed(3));
        Assert.False(back.Removed(7));
        var damaged = configuration.Encode();
        damaged[^1] ^= 0xFF;
        Assert.Null(Configuration.TryDecode(damaged.AsSpan(0, damaged.Length - 1), out var problem));
        Assert.NotNull(problem);
    }

    /// <summary>Node <paramref name="id"/> campaigns and wins, with only election messages delivered: its term's entry is not committed.</summary>
    private static TestNode WinElectionWithoutCommitting(Cluster cluster, int id)
    {
        var node = cluster[id];
        node.Raft.Campaign();
        cluster.HandleReady(id);
        for (var round = 0; node.Role != Role.Leader && round < 10; round++) cluster.DeliverWhere(m => m is VoteRequest or VoteResponse);
        Assert.Equal(Role.Leader, node.Role);
        return node;
    }

    /// <summary>Three voters led by node 0 and a caught-up learner, node 3.</summary>
    private static (Cluster Cluster, TestNode Leader, TestNode Learner) ClusterWithLearner()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var learner = cluster.AddNode();
        Assert.True(leader.Raft.ProposeChange(new MembershipChange.AddLearner("node-3", PromoteWhenCaughtUp: false)).Accepted);
        cluster.Stabilize();
        return (cluster, leader, learner);
    }
}
