using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// Leadership transfer (Raft dissertation §3.10): the leader stops taking proposals, brings the target fully up to
/// date, and sends it TimeoutNow; the target campaigns at once and wins; if leadership has not moved within an
/// election timeout, the leader gives up and serves again.
/// </summary>
public sealed class LeadershipTransferTests
{
    private const int ElectionTicks = 10;

    [Fact]
    public void An_up_to_date_target_is_told_to_campaign_at_once_and_leads_in_the_next_term()
    {
        // §3.10: once the target's log matches, the leader sends TimeoutNow and the target starts an election at once.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var term = leader.Term;

        Assert.Equal(TransferResult.Started, leader.Raft.TransferLeadership(1));
        cluster.HandleReady(0);
        Assert.Equal(new TimeoutNow(0, 1, term), Assert.Single(cluster.InFlight));
        cluster.Stabilize();

        Assert.Equal((Role.Leader, term + 1), (cluster[1].Role, cluster[1].Term));
        Assert.All(cluster.Nodes, n => Assert.Equal((term + 1, 1), (n.Term, n.Raft.LeaderId)));
        Assert.Equal(RaftNode.None, cluster[0].Raft.LeadTransferee);
    }

    [Fact]
    public void The_targets_campaign_skips_pre_vote_and_voters_grant_it_inside_their_leader_lease()
    {
        // With pre-vote and check-quorum on (the defaults), a follower that heard from its leader ignores vote requests
        // (its lease). A transfer's vote requests say so, as etcd's campaignTransfer does, and are granted anyway.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Run(1); // Every follower has just heard from the leader: well inside the lease.

        leader.Raft.TransferLeadership(1);
        cluster.HandleReady(0);

        cluster.Deliver(cluster.Take(m => m is TimeoutNow).Single());
        var votes = cluster.InFlight.OfType<VoteRequest>().ToList();
        cluster.Stabilize();

        Assert.Equal([0, 2], votes.Select(v => v.To).Order());
        Assert.All(votes, v => Assert.Equal((false, true), (v.PreVote, v.Transfer)));
        Assert.Equal(Role.Leader, cluster[1].Role);
    }

    [Fact]
    public void An_ordinary_vote_request_inside_the_lease_is_still_ignored()
    {
        // The transfer mark is the only way past the lease: a node that merely timed out cannot depose a live leader.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { PreVote = false });
        var leader = cluster.Elect(0);
        cluster.Run(1);

        cluster[2].Raft.Step(new VoteRequest(1, 2, leader.Term + 1, false, 100, leader.Term));

        Assert.Equal((leader.Term, 0), (cluster[2].Term, cluster[2].Raft.LeaderId));
    }

    [Fact]
    public void A_lagging_target_is_brought_up_to_date_before_it_is_told_to_campaign()
    {
        // §3.10 step 2: the leader catches the target up, so the target's log is at least as up to date as any voter's.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Cut(0, 1);
        leader.Raft.Propose([Logs.Payload("a"), Logs.Payload("b"), Logs.Payload("c")]);
        cluster.Stabilize();
        cluster.Recover();
        var last = leader.Raft.LastIndex;
        Assert.True(cluster[1].Raft.LastIndex < last);

        leader.Raft.TransferLeadership(1);
        cluster.HandleReady(0);

        Assert.DoesNotContain(cluster.InFlight, m => m is TimeoutNow);
        var timeoutNow = DeliverUntil(cluster, m => m is TimeoutNow);

        Assert.Equal(last, cluster[1].Raft.LastIndex); // Caught up by the time it is told to campaign.
        Assert.Equal(1, timeoutNow.To);
        cluster.Stabilize();
        Assert.Equal(Role.Leader, cluster[1].Role);
        Assert.Equal(["a", "b", "c"], cluster[1].PersistedLog.Where(e => e.Kind == EntryKind.Normal).Select(e => e.Text()));
    }

    [Fact]
    public void Proposals_are_refused_while_a_transfer_runs()
    {
        // A proposal accepted during the transfer would leave the target behind, and lose it the election
        // (hashicorp/raft#581); the leader refuses them until the transfer ends.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Isolate(1);
        var last = leader.Raft.LastIndex;

        leader.Raft.TransferLeadership(1);
        cluster.HandleReady(0);

        var result = leader.Raft.Propose(Logs.Payload("during"));

        Assert.Equal((ProposeRejection.Transferring, leader.Id), (result.Rejection, result.LeaderId));
        Assert.Equal(last, leader.Raft.LastIndex);
    }

    [Fact]
    public void A_transfer_that_does_not_move_leadership_within_an_election_timeout_is_abandoned()
    {
        // §3.10: if the transfer does not complete within an election timeout, the leader aborts it and resumes
        // accepting proposals. Here the target is down, so it never campaigns.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Isolate(1);

        leader.Raft.TransferLeadership(1);
        cluster.HandleReady(0);

        for (var tick = 1; tick < ElectionTicks; tick++)
        {
            cluster.Run(1);
            Assert.Equal(1, leader.Raft.LeadTransferee);
        }
        cluster.Run(1);

        Assert.Equal((Role.Leader, RaftNode.None), (leader.Role, leader.Raft.LeadTransferee));
        Assert.True(leader.Raft.Propose(Logs.Payload("after")).Accepted);
    }

    [Fact]
    public void A_target_that_crashes_after_TimeoutNow_leaves_the_cluster_with_one_leader_and_no_lost_entry()
    {
        // The target crashes before its campaign reaches anyone: the old leader gives up after an election timeout and
        // leads on; the restarted target rejoins as a follower.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose(Logs.Payload("kept"));
        cluster.Stabilize();

        leader.Raft.TransferLeadership(1);
        cluster.HandleReady(0);

        cluster.Deliver(cluster.Take(m => m is TimeoutNow).Single(), handleReady: false);
        cluster.Restart(1); // Crashed before handling the Ready with its vote requests.
        cluster.Run(3 * ElectionTicks);

        var leaders = cluster.Nodes.Where(n => n.Role == Role.Leader).ToList();
        Assert.Single(leaders);
        Assert.All(cluster.Nodes, n => Assert.Contains("kept", n.PersistedLog.Select(e => e.Text())));
        Assert.True(leaders[0].Raft.Propose(Logs.Payload("after")).Accepted);
    }

    [Fact]
    public void With_no_target_named_the_most_up_to_date_follower_is_chosen()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Cut(0, 1);
        leader.Raft.Propose(Logs.Payload("only node 2 has it"));
        cluster.Stabilize();
        cluster.Recover();

        Assert.Equal(TransferResult.Started, leader.Raft.TransferLeadership(RaftNode.None));

        Assert.Equal(2, leader.Raft.LeadTransferee);
    }

    [Fact]
    public void The_leader_itself_an_unknown_node_and_a_follower_cannot_transfer()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        Assert.Equal(TransferResult.AlreadyLeader, leader.Raft.TransferLeadership(0));
        Assert.Equal(TransferResult.InvalidTarget, leader.Raft.TransferLeadership(7));
        Assert.Equal(TransferResult.NotLeader, cluster[1].Raft.TransferLeadership(2));
        Assert.Equal(RaftNode.None, leader.Raft.LeadTransferee);
        Assert.Empty(cluster.InFlight);
    }

    [Fact]
    public void A_single_node_has_no_one_to_transfer_to()
    {
        var cluster = Cluster.Create(1);
        var leader = cluster.Elect(0);

        Assert.Equal(TransferResult.InvalidTarget, leader.Raft.TransferLeadership(RaftNode.None));
        Assert.True(leader.Raft.Propose(Logs.Payload("still serving")).Accepted);
    }

    [Fact]
    public void Asking_again_for_the_same_target_changes_nothing_and_another_target_restarts_the_transfer()
    {
        // Without check-quorum, so the isolated leader keeps leading for as long as the test looks.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { CheckQuorum = false });
        var leader = cluster.Elect(0);
        cluster.Isolate(1);
        cluster.Isolate(2);

        leader.Raft.TransferLeadership(1);
        cluster.HandleReady(0);

        cluster.Run(ElectionTicks - 2);
        Assert.Equal(TransferResult.Started, leader.Raft.TransferLeadership(1));
        cluster.Run(1);
        Assert.Equal(1, leader.Raft.LeadTransferee); // The deadline was not reset by asking again.

        Assert.Equal(TransferResult.Started, leader.Raft.TransferLeadership(2));
        cluster.Run(ElectionTicks - 1);
        Assert.Equal(2, leader.Raft.LeadTransferee); // A new target gets a full election timeout.
    }

    [Fact]
    public void A_TimeoutNow_from_an_earlier_term_is_ignored()
    {
        // A delayed TimeoutNow must not make a node campaign after leadership has already moved on.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var oldTerm = leader.Term;
        leader.Raft.TransferLeadership(2);
        cluster.HandleReady(0);
        cluster.Stabilize();

        cluster[1].Raft.Step(new TimeoutNow(0, 1, oldTerm));
        cluster.HandleAllReady();

        Assert.Equal(Role.Follower, cluster[1].Role);
        Assert.Empty(cluster.InFlight);
    }

    [Fact]
    public void A_transfer_works_without_pre_vote_and_check_quorum_too()
    {
        var cluster = Cluster.Create(3, ClusterOptions.Paper);
        var leader = cluster.Elect(0);

        leader.Raft.TransferLeadership(2);
        cluster.HandleReady(0);

        cluster.Stabilize();

        Assert.Equal(Role.Leader, cluster[2].Role);
        Assert.Equal(Role.Follower, leader.Role);
    }

    [Fact]
    public void With_no_target_named_and_every_follower_equally_up_to_date_the_lowest_id_is_chosen()
    {
        // A deterministic choice: equal match index and equally recently heard from, the tie goes to the lower id.
        var cluster = Cluster.Create(5);
        var leader = cluster.Elect(0);

        Assert.Equal(TransferResult.Started, leader.Raft.TransferLeadership(RaftNode.None));

        Assert.Equal(1, leader.Raft.LeadTransferee);
    }

    [Fact]
    public void A_transfer_under_way_completes_when_a_change_removing_another_member_commits_first()
    {
        // §3.10 and §4.1 together: the removal of node 2 commits while the transfer to node 1 waits for node 1 to
        // catch up; node 1 is still a voter, so the transfer goes on and node 1 leads the two remaining voters.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var term = leader.Term;
        Assert.True(leader.Raft.ProposeChange(new MembershipChange.Remove(2)).Accepted);
        cluster.HandleReady(0);

        Assert.Equal(TransferResult.Started, leader.Raft.TransferLeadership(1));
        cluster.Stabilize();

        Assert.Equal((Role.Leader, term + 1), (cluster[1].Role, cluster[1].Term));
        Assert.Equal(Role.Follower, leader.Role);
        Assert.Equal([0, 1], cluster[1].Raft.Configuration.Voters);
    }

    [Fact]
    public void A_repeated_acknowledgement_from_the_target_does_not_repeat_TimeoutNow()
    {
        // An acknowledgement that tells the leader nothing new changes nothing: the target was told once to campaign.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose(Logs.Payload("x"));
        cluster.HandleReady(0);
        var toTarget = cluster.Take(m => m is AppendRequest { To: 1 });
        Assert.Equal(TransferResult.Started, leader.Raft.TransferLeadership(1));
        cluster.HandleReady(0);
        foreach (var message in toTarget) cluster.Deliver(message);
        var ack = Assert.Single(cluster.Take(m => m is AppendResponse { From: 1 }));

        cluster.Deliver(ack);
        cluster.Deliver(ack);

        Assert.Single(cluster.InFlight.OfType<TimeoutNow>());
    }

    /// <summary>Delivers in-flight messages one at a time until one matching <paramref name="which"/> is sent; returns it, still in flight.</summary>
    private static Message DeliverUntil(Cluster cluster, Func<Message, bool> which)
    {
        for (var step = 0; step < 1000; step++)
        {
            if (cluster.InFlight.FirstOrDefault(which) is { } found) return found;
            var next = cluster.InFlight[0];
            cluster.InFlight.RemoveAt(0);
            cluster.Deliver(next);
        }
        throw new InvalidOperationException("The message never came.");
    }
}
