using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// How the leader paces AppendEntries (etcd's Progress, dissertation §10.2.2 on batching and pipelining): many
/// entries per message, many messages in flight, and one careful probe at a time when it is unsure.
/// </summary>
public sealed class FlowControlTests
{
    private static readonly ReadOnlyMemory<byte> Payload100 = new byte[100];

    [Fact]
    public void Proposals_made_between_two_batches_travel_in_one_append_per_follower()
    {
        // Dissertation §10.2.2: the leader batches entries, sending many in one AppendEntries request.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        for (var i = 0; i < 50; i++) leader.Raft.Propose(Logs.Payload($"e{i}"));
        cluster.HandleReady(0);

        var append = Assert.Single(cluster.InFlight.OfType<AppendRequest>(), m => m.To == 1);
        Assert.Equal(50, append.Entries.Count);
        Assert.Single(cluster.InFlight.OfType<AppendRequest>(), m => m.To == 2);
        cluster.Stabilize();
        Assert.All(cluster.Nodes, n => Assert.Equal(51, n.Applied.Count));
    }

    [Theory]
    [InlineData(1, 1)]     // at least one entry is always sent
    [InlineData(300, 2)]   // 124-byte entries: two fit in 300 bytes
    [InlineData(1000, 8)]
    public void An_append_carries_no_more_entries_than_MaxBytesPerMessage_allows(long maxBytes, int perMessage)
    {
        // Dissertation §10.2.2 (etcd MaxSizePerMsg): batch size is bounded so one message cannot grow without limit.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxBytesPerMessage = maxBytes });
        var leader = cluster.Elect(0);

        for (var i = 0; i < 16; i++) leader.Raft.Propose(Payload100);
        cluster.HandleReady(0);

        var appends = cluster.InFlight.OfType<AppendRequest>().Where(m => m.To == 1).ToList();
        Assert.Equal(16 / perMessage, appends.Count);
        Assert.All(appends, m => Assert.Equal(perMessage, m.Entries.Count));
        Assert.All(appends, m => Assert.True(m.Entries.Count == 1 || m.Entries.Sum(e => e.Size) <= maxBytes));
        cluster.Stabilize();
        Assert.All(cluster.Nodes, n => Assert.Equal(17, n.Raft.CommitIndex));
    }

    [Fact]
    public void A_leader_pipelines_appends_to_a_replicating_follower_up_to_MaxInflightMessages()
    {
        // Dissertation §10.2.2: the leader need not wait for one AppendEntries to return before sending the next.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxInflightMessages = 4, MaxBytesPerMessage = 1 });
        var leader = cluster.Elect(0);
        Assert.True(leader.Status.Followers[1].Replicating);
        var start = leader.Raft.LastIndex;

        for (var i = 0; i < 10; i++) leader.Raft.Propose(Payload100);
        cluster.HandleReady(0);

        var pipelined = cluster.InFlight.OfType<AppendRequest>().Where(m => m.To == 1).ToList();
        Assert.Equal([start, start + 1, start + 2, start + 3], pipelined.Select(m => m.PrevLogIndex));
        Assert.Equal(4, leader.Status.Followers[1].Inflight);
        Assert.Equal(start + 5, leader.Status.Followers[1].NextIndex);

        // Each acknowledgement frees one slot, which the leader fills at once.
        cluster.DeliverWhere(m => ReferenceEquals(m, pipelined[0]));
        cluster.DeliverWhere(m => m is AppendResponse { From: 1 });
        var next = Assert.Single(cluster.InFlight.OfType<AppendRequest>(), m => m.To == 1 && m.PrevLogIndex == start + 4);
        Assert.Equal(4, leader.Status.Followers[1].Inflight);

        cluster.Stabilize();
        Assert.Equal(leader.Raft.LastIndex, cluster[1].Raft.LastIndex);
        Assert.Equal(0, leader.Status.Followers[1].Inflight);
    }

    [Fact]
    public void The_pipeline_to_a_follower_holds_no_more_than_MaxInflightBytes_of_entries()
    {
        // etcd raft's MaxInflightBytes: the window is bounded in bytes as well as in messages, so a follower far behind
        // is not sent MaxInflightMessages full messages in one step (the endurance benchmark saw a leader read 64 MiB in
        // one turn of its loop for a follower catching up, and its other follower time out meanwhile).
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxBytesPerMessage = 1000, MaxInflightMessages = 64, MaxInflightBytes = 3000 });
        var leader = cluster.Elect(0);

        // 200 entries of 124 bytes make 25 full messages (8 entries, 992 bytes); 64 may be in flight, but only 3,000 bytes:
        // three messages hold 2,976, and a fourth, sent into a window with room, takes it to 3,968.
        for (var i = 0; i < 200; i++) leader.Raft.Propose(Payload100);
        cluster.HandleReady(0);
        var first = cluster.InFlight.OfType<AppendRequest>().Where(m => m.To == 1).ToList();
        Assert.Equal(4, first.Count);
        Assert.All(first, m => Assert.Equal(8, m.Entries.Count));
        Assert.Equal(4, leader.Status.Followers[1].Inflight);

        // Each acknowledgement frees a message's bytes, and the leader sends the next at once: the window stays at four.
        cluster.DeliverWhere(m => m.To == 1);
        cluster.DeliverWhere(m => m is AppendResponse { From: 1 });
        var refill = cluster.InFlight.OfType<AppendRequest>().Where(m => m.To == 1 && m.Entries.Count > 0).ToList();
        Assert.Equal(4, refill.Count);
        Assert.All(refill, m => Assert.Equal(8, m.Entries.Count));
        Assert.Equal(4, leader.Status.Followers[1].Inflight);

        cluster.Stabilize();
        Assert.All(cluster.Nodes, n => Assert.Equal(leader.Raft.LastIndex, n.Raft.CommitIndex));
        Assert.Equal(0, leader.Status.Followers[1].Inflight);
    }

    [Fact]
    public void After_a_rejection_the_leader_falls_back_to_one_probe_at_a_time()
    {
        // Raft paper §5.3 with etcd's probe state: when a follower's log is in doubt, the leader stops streaming
        // and sends one AppendEntries at a time until it finds where the logs agree.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxInflightMessages = 4, MaxBytesPerMessage = 1 });
        var leader = cluster.Elect(0);
        var match = leader.Status.Followers[1].MatchIndex;
        for (var i = 0; i < 10; i++) leader.Raft.Propose(Payload100);
        cluster.HandleReady(0);

        // The first of four pipelined appends is lost, so the follower rejects the other three.
        var pipelined = cluster.Take(m => m is AppendRequest { To: 1 });
        foreach (var append in pipelined.Skip(1)) cluster.Deliver(append);
        Assert.Equal(3, cluster.InFlight.OfType<AppendResponse>().Count(m => m is { From: 1, Success: false }));
        cluster.DeliverWhere(m => m is AppendResponse { From: 1 });

        var probe = Assert.Single(cluster.InFlight.OfType<AppendRequest>(), m => m.To == 1);
        Assert.Equal(match, probe.PrevLogIndex);
        var status = leader.Status.Followers[1];
        Assert.False(status.Replicating);
        Assert.Equal((match, match + 1), (status.MatchIndex, status.NextIndex));

        cluster.Stabilize();
        Assert.True(leader.Status.Followers[1].Replicating);
        Assert.Equal(leader.PersistedLog.Shape(), cluster[1].PersistedLog.Shape());
    }

    [Fact]
    public void A_leader_whose_whole_pipeline_was_lost_resumes_at_the_next_heartbeat()
    {
        // Raft paper §5.3: the leader retries AppendEntries indefinitely; a window full of lost messages must not stall it.
        var cluster = Cluster.Create(3, ClusterOptions.Default with { MaxInflightMessages = 2, MaxBytesPerMessage = 1 });
        var leader = cluster.Elect(0);
        for (var i = 0; i < 6; i++) leader.Raft.Propose(Payload100);
        cluster.HandleReady(0);

        Assert.Equal(2, cluster.Drop(m => m is AppendRequest { To: 1 }));
        cluster.Stabilize(); // Node 2 keeps up, so entries commit; node 1 hears nothing.
        Assert.Equal(2, leader.Status.Followers[1].Inflight);
        Assert.True(cluster[1].Raft.LastIndex < leader.Raft.LastIndex);

        cluster.Run(2 * cluster.Options.HeartbeatTicks);

        Assert.Equal(leader.PersistedLog.Shape(), cluster[1].PersistedLog.Shape());
        Assert.Equal(leader.Raft.CommitIndex, cluster[1].Raft.CommitIndex);
    }

    [Fact]
    public void A_delayed_duplicate_rejection_does_not_move_next_index_back_once_the_follower_caught_up()
    {
        // Raft paper §5.3: nextIndex is decremented after a rejection *of the request just sent*; a stale answer
        // to an old request says nothing about the follower's log now.
        var cluster = Cluster.FromDisks(
            ClusterOptions.Default,
            Logs.Disk(1, [.. Logs.Run(1, 20)]),
            Logs.Disk(1, [1, 1]),
            Logs.Disk(1, [.. Logs.Run(1, 20)]));
        var leader = cluster.Elect(0);
        var rejection = cluster.Delivered.OfType<AppendResponse>().First(m => m is { From: 1, Success: false });
        var caughtUp = leader.Status.Followers[1];
        Assert.Equal((21L, 22L, true), (caughtUp.MatchIndex, caughtUp.NextIndex, caughtUp.Replicating));

        cluster.Deliver(rejection);

        var after = leader.Status.Followers[1];
        Assert.Equal((21L, 22L, true), (after.MatchIndex, after.NextIndex, after.Replicating));
        Assert.Empty(cluster.InFlight);
    }

    [Fact]
    public void A_delayed_duplicate_rejection_does_not_move_next_index_back_while_probing()
    {
        // Raft paper §5.3: one rejection moves nextIndex back once; its duplicate must not move it again.
        var cluster = Cluster.FromDisks(
            ClusterOptions.Default,
            Logs.Disk(1, [.. Logs.Run(1, 20)]),
            Logs.Disk(1, [1, 1]),
            Logs.Disk(1, [.. Logs.Run(1, 20)]));
        cluster.Ignore(m => m is AppendRequest { To: 1, PrevLogIndex: < 20 }); // The second probe is lost.
        var leader = cluster.Elect(0);
        var rejection = Assert.Single(cluster.Delivered.OfType<AppendResponse>(), m => m is { From: 1, Success: false });
        var probing = leader.Status.Followers[1];
        Assert.Equal((0L, 3L, false), (probing.MatchIndex, probing.NextIndex, probing.Replicating));

        cluster.Deliver(rejection);

        var after = leader.Status.Followers[1];
        Assert.Equal((0L, 3L, false), (after.MatchIndex, after.NextIndex, after.Replicating));
        Assert.Empty(cluster.InFlight);

        cluster.Recover();
        cluster.Run(2);
        Assert.Equal(leader.PersistedLog.Shape(), cluster[1].PersistedLog.Shape());
    }

    [Fact]
    public void A_stale_success_does_not_move_match_index_back()
    {
        // Raft paper §5.3: matchIndex increases monotonically; an old acknowledgement cannot lower it.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose(Logs.Payload("x"));
        cluster.Stabilize();
        var before = leader.Status.Followers[1];

        cluster.Deliver(new AppendResponse(1, 0, leader.Term, Success: true, Index: 1, 0, 0));

        Assert.Equal(before, leader.Status.Followers[1]);
    }

    [Fact]
    public void A_heartbeat_answer_frees_an_in_flight_slot_only_when_the_window_is_full()
    {
        // etcd raft: the freed slot exists so a pipeline lost whole can restart; with room left in the window, the
        // appends still in flight stay counted against MaxInflightMessages.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose(Logs.Payload("lost"));
        cluster.HandleReady(0);
        cluster.Drop(m => m is AppendRequest);
        Assert.Equal(1, leader.Status.Followers[1].Inflight);

        cluster.Tick(0, cluster.Options.HeartbeatTicks);
        cluster.DeliverWhere(m => m is Heartbeat { To: 1 });
        cluster.DeliverWhere(m => m is HeartbeatResponse);

        Assert.Equal(1, leader.Status.Followers[1].Inflight);
    }

    [Fact]
    public void A_caught_up_followers_heartbeat_answer_provokes_no_append()
    {
        // The heartbeat is all a follower with the whole log needs; an append would double the idle traffic.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        cluster.Tick(0, cluster.Options.HeartbeatTicks);
        cluster.DeliverWhere(m => m is Heartbeat);
        cluster.DeliverWhere(m => m is HeartbeatResponse);

        Assert.Empty(cluster.InFlight);
        Assert.All(leader.Status.Followers.Values, f => Assert.True(f.Replicating));
    }

    [Fact]
    public void An_acknowledgement_that_moves_no_commit_index_sends_the_follower_nothing()
    {
        // The follower already holds the commit index it was sent with the entries; an append now would repeat it.
        var cluster = Cluster.Create(5);
        var leader = cluster.Elect(0);
        var commit = leader.Raft.CommitIndex;
        leader.Raft.Propose(Logs.Payload("x"));
        cluster.HandleReady(0);
        cluster.DeliverWhere(m => m is AppendRequest { To: 1 });

        cluster.DeliverWhere(m => m is AppendResponse { From: 1 });

        Assert.Equal(commit, leader.Raft.CommitIndex); // Two of five hold x: not yet a majority.
        Assert.Equal(leader.Raft.LastIndex, leader.Status.Followers[1].MatchIndex);
        Assert.DoesNotContain(cluster.InFlight, m => m.To == 1);
    }

    [Fact]
    public void A_commit_index_a_heartbeat_told_a_paused_follower_is_not_sent_again_at_its_next_acknowledgement()
    {
        // A heartbeat tells each follower the commit index up to what it is known to hold, paused or not, and the
        // leader remembers that it did: the follower's next acknowledgement, which moves no commit index, needs no
        // append to repeat it. With one message in flight allowed, node 1 holds x but is paused behind y's append
        // when x commits, so the heartbeat is the only message that tells it.
        var cluster = Cluster.Create(5, ClusterOptions.Default with { MaxInflightMessages = 1 });
        var leader = cluster.Elect(0);
        leader.Raft.Propose(Logs.Payload("x"));
        cluster.HandleReady(0);
        var x = leader.Raft.LastIndex;
        leader.Raft.Propose(Logs.Payload("y"));
        cluster.HandleReady(0);
        cluster.DeliverWhere(m => m is AppendRequest { To: 1 });
        cluster.DeliverWhere(m => m is AppendResponse { From: 1 }); // Frees node 1's window: y's append goes out.
        var yToNode1 = cluster.Take(m => m is AppendRequest { To: 1 });
        cluster.DeliverWhere(m => m is AppendRequest { To: 2 });
        cluster.DeliverWhere(m => m is AppendResponse { From: 2 }); // Nodes 0, 1 and 2 hold x: it commits.
        Assert.Equal(x, leader.Raft.CommitIndex);
        Assert.DoesNotContain(cluster.InFlight, m => m.To == 1);

        cluster.Tick(leader.Id, cluster.Options.HeartbeatTicks);
        var heartbeat = Assert.IsType<Heartbeat>(Assert.Single(cluster.Take(m => m is Heartbeat { To: 1 })));
        Assert.Equal(x, heartbeat.Commit); // Node 1's match index, which has reached the commit index.
        cluster.Deliver(heartbeat);
        cluster.Drop(m => m is HeartbeatResponse { From: 1 }); // Its answer would reopen the window by itself; here y's does.
        foreach (var append in yToNode1) cluster.Deliver(append);
        cluster.DeliverWhere(m => m is AppendResponse { From: 1 });

        Assert.Equal((x, x), (leader.Raft.CommitIndex, cluster[1].Raft.CommitIndex));
        Assert.Equal(leader.Raft.LastIndex, leader.Status.Followers[1].MatchIndex);
        Assert.DoesNotContain(cluster.InFlight, m => m.To == 1);
    }

    [Fact]
    public void An_acknowledgement_from_before_a_snapshot_was_sent_does_not_move_replication()
    {
        // Node 2 missed y and the leader compacted it away, so node 2 is being sent the snapshot. x's append, delayed,
        // then reaches it: its acknowledgement says node 2 holds x, not the snapshot, so the transfer goes on as it was.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose(Logs.Payload("x"));
        cluster.HandleReady(0);
        var delayed = Assert.IsType<AppendRequest>(Assert.Single(cluster.Take(m => m is AppendRequest { To: 2 })));
        cluster.Ignore(m => m.To == 2);
        leader.Raft.Propose(Logs.Payload("y"));
        cluster.Stabilize();
        leader.Compact(leader.Raft.CommitIndex);
        cluster.Recover();
        cluster.Tick(0, cluster.Options.HeartbeatTicks);
        cluster.DeliverWhere(m => m is Heartbeat { To: 2 });
        cluster.DeliverWhere(m => m is HeartbeatResponse { From: 2 });
        cluster.DeliverWhere(m => m is AppendRequest { To: 2 });
        cluster.DeliverWhere(m => m is AppendResponse { From: 2, Success: false });
        var piece = Assert.Single(cluster.InFlight.OfType<SnapshotChunk>());

        cluster.Deliver(delayed);
        cluster.DeliverWhere(m => m is AppendResponse { From: 2, Success: true });

        Assert.Equal(delayed.Entries[^1].Index, leader.Status.Followers[2].MatchIndex);
        Assert.False(leader.Status.Followers[2].Replicating);
        Assert.Equal(piece, Assert.Single(cluster.InFlight, m => m.To == 2));
    }
}
