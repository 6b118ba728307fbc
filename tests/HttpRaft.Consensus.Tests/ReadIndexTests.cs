using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>Linearizable reads without writing to the log (ReadIndex): the leader confirms it still leads before answering.</summary>
public sealed class ReadIndexTests
{
    private const int ElectionTicks = 10;

    [Fact]
    public void A_leader_answers_a_read_only_after_a_majority_acknowledges_a_heartbeat_round()
    {
        // Dissertation §6.4 steps 1–3: record the commit index, then exchange heartbeats with a majority, then answer at that index.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var commitAtRequest = leader.Raft.CommitIndex;

        leader.Raft.ReadIndex(1);
        cluster.HandleReady(0);
        Assert.Equal(2, cluster.InFlight.OfType<Heartbeat>().Count());
        cluster.DeliverWhere(m => m is Heartbeat);
        Assert.Empty(leader.ReadStates); // The followers heard it, but the leader does not know that yet.

        // A write commits meanwhile; the read keeps the index recorded when it arrived.
        leader.Raft.Propose(Logs.Payload("x"));
        cluster.HandleReady(0);
        cluster.DeliverWhere(m => m is AppendRequest);
        cluster.DeliverWhere(m => m is AppendResponse);
        Assert.Equal(commitAtRequest + 1, leader.Raft.CommitIndex);
        Assert.Empty(leader.ReadStates);

        cluster.DeliverWhere(m => m is HeartbeatResponse { From: 1 });

        Assert.Equal([new ReadState(1, true, commitAtRequest)], leader.ReadStates);
    }

    [Fact]
    public void A_heartbeat_sent_before_the_read_does_not_confirm_it()
    {
        // Dissertation §6.4 step 3: leadership must be confirmed by a round that started after the read arrived.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Tick(0, cluster.Options.HeartbeatTicks);
        var earlier = cluster.Take(m => m is Heartbeat);
        Assert.Equal(2, earlier.Count);

        leader.Raft.ReadIndex(1);
        cluster.HandleReady(0);
        var later = cluster.Take(m => m is Heartbeat);
        foreach (var heartbeat in earlier) cluster.Deliver(heartbeat);
        cluster.DeliverWhere(m => m is HeartbeatResponse);
        Assert.Empty(leader.ReadStates);

        foreach (var heartbeat in later) cluster.Deliver(heartbeat);
        cluster.DeliverWhere(m => m is HeartbeatResponse);
        Assert.Equal([new ReadState(1, true, leader.Raft.CommitIndex)], leader.ReadStates);
    }

    [Fact]
    public void Reads_issued_together_are_confirmed_by_one_heartbeat_round()
    {
        // Dissertation §6.4 (batching): one round of heartbeats can confirm any number of queued reads.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var deliveredBefore = cluster.Delivered.Count;

        for (var id = 1; id <= 100; id++) leader.Raft.ReadIndex(id);
        cluster.Stabilize();

        Assert.Equal(2, cluster.Delivered.Skip(deliveredBefore).OfType<Heartbeat>().Count());
        Assert.Equal(Enumerable.Range(1, 100).Select(id => new ReadState(id, true, leader.Raft.CommitIndex)), leader.ReadStates);
    }

    [Fact]
    public void A_new_leader_holds_reads_until_it_has_committed_an_entry_of_its_term()
    {
        // Dissertation §6.4 step 1: until its no-op commits, a new leader may not know the latest commit index.
        var cluster = Cluster.Create(3);
        cluster.Ignore(m => m is AppendRequest); // The new leader's no-op cannot reach anyone yet.
        var leader = cluster.Elect(0);
        Assert.Equal((Role.Leader, 0L), (leader.Role, leader.Raft.CommitIndex));

        leader.Raft.ReadIndex(1);
        cluster.HandleReady(0);
        Assert.Empty(cluster.InFlight);
        cluster.Run(3 * cluster.Options.HeartbeatTicks); // Heartbeats come and go; the read still waits.
        Assert.Empty(leader.ReadStates);

        cluster.Recover();
        cluster.Run(cluster.Options.HeartbeatTicks);

        Assert.Equal(1, leader.Raft.CommitIndex);
        Assert.Equal([new ReadState(1, true, 1)], leader.ReadStates);
    }

    [Fact]
    public void A_follower_forwards_a_read_and_receives_the_leaders_commit_index()
    {
        // Dissertation §6.4: a follower asks the leader for the read index, then serves the read once it has applied that far.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        cluster.Ignore(m => m is AppendRequest { To: 1 }); // Node 1 lags behind the leader's commits.
        leader.Raft.Propose(Logs.Payload("x"));
        cluster.Stabilize();
        var follower = cluster[1];
        Assert.True(follower.Raft.CommitIndex < leader.Raft.CommitIndex);

        follower.Raft.ReadIndex(7);
        cluster.HandleReady(1);
        Assert.Equal(new ReadIndexRequest(1, 0, leader.Term, 7), Assert.Single(cluster.InFlight));
        cluster.Stabilize();

        Assert.Equal([new ReadState(7, true, leader.Raft.CommitIndex)], follower.ReadStates);
        Assert.Empty(leader.ReadStates);
    }

    [Fact]
    public void A_partitioned_old_leader_never_answers_a_read_and_fails_it_when_it_steps_down()
    {
        // Dissertation §6.4: a deposed leader must not serve stale reads; without a majority's heartbeat answers it cannot.
        var cluster = Cluster.Create(3);
        var old = cluster.Elect(0);
        cluster.Isolate(0);
        old.Raft.ReadIndex(1);
        cluster.HandleReady(0);

        // The majority elects a new leader and commits a write the old leader never sees.
        cluster.RunUntil(
            () => cluster.Nodes.Any(n => n.Id != 0 && n.Role == Role.Leader) && old.Role != Role.Leader,
            maxTicks: 50 * ElectionTicks);
        cluster.Leader!.Raft.Propose(Logs.Payload("newer"));
        cluster.Run(ElectionTicks);

        Assert.Equal([new ReadState(1, false, 0)], old.ReadStates);
    }

    [Fact]
    public void A_read_on_a_node_that_knows_no_leader_fails_at_once()
    {
        // Dissertation §6.4: with no leader to confirm the read index, the read cannot be served.
        var cluster = Cluster.Create(3, ClusterOptions.Paper);

        cluster[1].Raft.ReadIndex(3);
        cluster[2].Raft.Campaign();
        cluster[2].Raft.ReadIndex(4);
        cluster.HandleAllReady();

        Assert.Equal([new ReadState(3, false, 0)], cluster[1].ReadStates);
        Assert.Equal([new ReadState(4, false, 0)], cluster[2].ReadStates);
        Assert.DoesNotContain(cluster.InFlight, m => m is ReadIndexRequest);
    }

    [Fact]
    public void Only_the_leader_of_the_term_serves_a_read_index_request_and_any_other_node_refuses_it_at_once()
    {
        // Dissertation §6.4: only a leader can vouch that its commit index is current. A follower or a candidate that
        // is asked refuses at once, and a request from an earlier term is refused with the current term, so the asker
        // learns it and retries with the new leader rather than waiting.
        var cluster = Cluster.Create(3);
        var term = cluster.Elect(0).Term;

        cluster.Deliver(new ReadIndexRequest(2, 1, term, RequestId: 7));
        Assert.Equal(new ReadIndexResponse(1, 2, term, 7, false, 0), Assert.Single(cluster.Take(m => m is ReadIndexResponse)));

        cluster.Deliver(new ReadIndexRequest(2, 0, term - 1, RequestId: 8));
        Assert.Equal(new ReadIndexResponse(0, 2, term, 8, false, 0), Assert.Single(cluster.Take(m => m is ReadIndexResponse)));

        var candidate = cluster[2];
        candidate.Raft.Campaign();
        cluster.HandleReady(2);
        cluster.Drop(_ => true);
        cluster.Deliver(new ReadIndexRequest(1, 2, candidate.Term, RequestId: 9));
        Assert.Equal(new ReadIndexResponse(2, 1, candidate.Term, 9, false, 0), Assert.Single(cluster.Take(m => m is ReadIndexResponse)));
    }

    [Fact]
    public void A_read_is_not_answered_until_a_majority_of_the_voters_counting_the_leader_acknowledged_its_round()
    {
        // Dissertation §6.4 step 3: in five voters the leader and one follower are two, not a majority.
        var cluster = Cluster.Create(5);
        var leader = cluster.Elect(0);

        leader.Raft.ReadIndex(1);
        cluster.HandleReady(0);
        cluster.DeliverWhere(m => m is Heartbeat);
        cluster.DeliverWhere(m => m is HeartbeatResponse { From: 1 });
        Assert.Empty(leader.ReadStates);

        cluster.DeliverWhere(m => m is HeartbeatResponse { From: 2 });
        Assert.Equal([new ReadState(1, true, leader.Raft.CommitIndex)], leader.ReadStates);
    }

    [Fact]
    public void A_read_that_arrives_after_its_rounds_heartbeat_was_sent_waits_for_the_next_round()
    {
        // Dissertation §6.4 step 3: the heartbeat already on its way left before this read arrived, so its answers
        // cannot confirm that this node still led when the read came in.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.ReadIndex(1);
        cluster.HandleReady(0);
        var first = cluster.Take(m => m is Heartbeat);

        leader.Raft.ReadIndex(2);
        cluster.HandleReady(0);
        var second = cluster.Take(m => m is Heartbeat);
        foreach (var heartbeat in first) cluster.Deliver(heartbeat);
        cluster.DeliverWhere(m => m is HeartbeatResponse);
        Assert.Equal([1L], leader.ReadStates.Select(r => r.RequestId));

        foreach (var heartbeat in second) cluster.Deliver(heartbeat);
        cluster.DeliverWhere(m => m is HeartbeatResponse);
        Assert.Equal([1L, 2L], leader.ReadStates.Select(r => r.RequestId));
    }
}
