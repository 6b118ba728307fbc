using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>The host's contract with RaftNode: what it may call, and what each Ready asks it to do.</summary>
public sealed class RaftNodeContractTests
{
    [Fact]
    public void A_proposal_names_at_least_one_entry()
    {
        var node = Cluster.Create(1).Elect(0).Raft;

        Assert.Throws<ArgumentNullException>(() => node.Propose((IReadOnlyList<ReadOnlyMemory<byte>>)null!));
        var empty = Assert.Throws<ArgumentException>(() => node.Propose(Array.Empty<ReadOnlyMemory<byte>>()));
        Assert.StartsWith("Propose at least one entry.", empty.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => node.ProposeChange(null!));
    }

    [Fact]
    public void A_Ready_must_be_advanced_before_the_next_and_only_the_last_one_given()
    {
        var node = new RaftNode(ClusterOptions.Default.ConfigFor(0, [0], 0, 0), new MemoryStorage());
        node.Campaign();
        var ready = node.GetReady();

        var again = Assert.Throws<InvalidOperationException>(() => node.GetReady());
        Assert.Equal("Advance the previous Ready before asking for another.", again.Message);
        var other = Assert.Throws<InvalidOperationException>(() => node.Advance(new Ready()));
        Assert.Equal("Advance takes the Ready last returned by GetReady.", other.Message);
        Assert.Throws<ArgumentNullException>(() => node.Advance(null!));
        node.Advance(ready);
    }

    [Fact]
    public void A_batch_must_reach_the_disk_before_its_messages_leave_only_when_it_holds_entries_a_snapshot_or_a_new_term_or_vote()
    {
        // §5: entries and the term and vote are durable before anyone hears of them; a commit index alone may be lost
        // (it is learned again from the leader), so the host need not sync for it.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var follower = cluster[1];
        leader.Raft.Propose(Logs.Payload("x"));
        cluster.HandleReady(0);
        cluster.DeliverWhere(m => m is AppendRequest { To: 1 });
        var commit = follower.Raft.LastIndex;
        follower.Readies.Clear();

        cluster.Deliver(new Heartbeat(0, 1, follower.Term, commit, ReadRound: 0));
        var commitOnly = Assert.Single(follower.Readies, r => r.HardState is not null);
        Assert.Equal(commit, commitOnly.HardState!.Value.Commit);
        Assert.False(commitOnly.MustSync);
        Assert.Empty(commitOnly.Entries);

        follower.Readies.Clear();
        cluster.Deliver(new VoteRequest(2, 1, follower.Term + 1, PreVote: false, 100, follower.Term + 1, Transfer: true));
        var vote = Assert.Single(follower.Readies, r => r.HardState is not null);
        Assert.True(vote.MustSync);
        Assert.False(vote.CanSendBeforePersisting);
    }

    [Fact]
    public void A_snapshot_covers_applied_entries_only()
    {
        var cluster = Cluster.Create(1);
        var node = cluster.Elect(0);
        node.Raft.Propose(Logs.Payload("a"));
        cluster.Stabilize();
        var applied = node.Raft.AppliedIndex;

        Assert.Throws<ArgumentOutOfRangeException>(() => node.Raft.CreateSnapshot(applied + 1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => node.Raft.CreateSnapshot(-1, []));
        Assert.Equal(applied, node.Raft.CreateSnapshot(applied, []).Index);
        node.Compact(applied);
        // Once compacted, the snapshot's own index is still the first one it may cover again.
        Assert.Equal(applied, node.Raft.CreateSnapshot(applied, []).Index);
        Assert.Throws<ArgumentOutOfRangeException>(() => node.Raft.CreateSnapshot(applied - 1, []));
    }

    [Fact]
    public void A_Ready_carries_the_soft_state_hard_state_and_configuration_only_when_they_changed()
    {
        // The host acts on each of them (persist, update its peers, report the leader): a repeat would be wasted work.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var first = leader.Readies[0];
        Assert.NotNull(first.SoftState);
        Assert.Equal([0, 1, 2], first.Configuration!.Voters);
        leader.Readies.Clear();

        cluster.Tick(leader.Id, cluster.Options.HeartbeatTicks);

        var heartbeat = Assert.Single(leader.Readies);
        Assert.NotEmpty(heartbeat.Messages);
        Assert.Equal((null, null, null), (heartbeat.SoftState, heartbeat.HardState, heartbeat.Configuration));
    }

    [Fact]
    public void A_restarted_node_reports_the_configuration_its_log_holds_in_its_first_Ready()
    {
        // The host learns whom to talk to from the Ready: after a restart it knows nothing until the core tells it.
        var cluster = Cluster.Create(3);
        cluster.Elect(0);
        Assert.Equal(1, cluster[1].Raft.ConfigurationIndex); // The first leader wrote the membership at index 1.

        cluster.Restart(1);
        cluster.HandleReady(1);

        var first = cluster[1].Readies[0];
        Assert.Equal(1, first.ConfigurationIndex);
        Assert.Equal([0, 1, 2], first.Configuration!.Voters);
    }

    [Fact]
    public void A_vote_cast_in_a_term_the_node_already_knew_must_reach_the_disk_before_it_is_sent()
    {
        // §5.2 and Figure 2: votedFor is persistent state. A first request raises the term without a vote (its log is
        // behind); the vote that follows changes only votedFor, and still must be durable before the answer leaves.
        var cluster = Cluster.Create(3);
        cluster.Elect(0);
        var follower = cluster[1];
        var term = follower.Term + 1;
        cluster.Deliver(new VoteRequest(2, 1, term, PreVote: false, LastLogIndex: 0, LastLogTerm: 0, Transfer: true));
        Assert.Equal((term, RaftNode.None), (follower.Term, follower.Raft.Status().VotedFor));
        follower.Readies.Clear();

        cluster.Deliver(new VoteRequest(0, 1, term, PreVote: false, LastLogIndex: 100, LastLogTerm: term, Transfer: true));

        var vote = Assert.Single(follower.Readies);
        Assert.Equal((term, 0), (vote.HardState!.Value.Term, vote.HardState!.Value.VotedFor));
        Assert.True(vote.MustSync);
    }

    [Fact]
    public void Only_a_leader_proposes_a_truncation_and_a_follower_names_the_leader()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        var result = cluster[1].Raft.ProposeTruncation(1);

        Assert.Equal((ProposeRejection.NotLeader, leader.Term, leader.Id), (result.Rejection, result.Term, result.LeaderId));
    }

    [Fact]
    public void The_status_reports_the_configuration_in_force_its_index_and_whether_the_node_was_removed()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.ProposeChange(new MembershipChange.Remove(2));
        cluster.Stabilize();

        var status = cluster[2].Status;

        Assert.Equal([0, 1], status.Configuration.Voters);
        Assert.Equal((leader.Raft.ConfigurationIndex, true), (status.ConfigurationIndex, status.Removed));
        Assert.Equal(2, leader.Raft.ConfigurationIndex);
    }

    [Fact]
    public void A_leader_that_steps_down_by_itself_tells_the_host_in_a_Ready()
    {
        // Dissertation §6.2: a check-quorum step-down changes only the role and the known leader (no term, vote or
        // message), and the host must still hear of it to stop serving as leader.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Isolate(leader.Id);

        cluster.Tick(leader.Id, 2 * cluster.Options.ElectionTicks);

        Assert.Equal(Role.Follower, leader.Role);
        Assert.Contains(leader.Readies, r => r.SoftState is { Role: Role.Follower, LeaderId: RaftNode.None });
    }
}
