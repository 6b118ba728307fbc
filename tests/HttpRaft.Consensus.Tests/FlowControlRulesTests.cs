namespace HttpRaft.Consensus.Tests;

/// <summary>
/// The leader's bookkeeping per follower, rule by rule: the in-flight window (Inflights) and the replication state
/// machine (Progress: probe, replicate, snapshot), as etcd raft's tracker defines them.
/// </summary>
public sealed class FlowControlRulesTests
{
    [Fact]
    public void The_window_is_full_at_MaxInflightMessages_messages()
    {
        var window = new Inflights(capacity: 2);

        window.Add(5, 10);
        Assert.False(window.IsFull);
        window.Add(7, 10);

        Assert.True(window.IsFull);
        Assert.Equal((2, 20L), (window.Count, window.Bytes));
    }

    [Fact]
    public void The_window_is_full_once_it_holds_MaxInflightBytes_and_a_zero_byte_bound_means_none()
    {
        var bounded = new Inflights(capacity: 10, maxBytes: 100);
        bounded.Add(1, 99);
        Assert.False(bounded.IsFull);
        bounded.Add(2, 1);
        Assert.True(bounded.IsFull);

        var unbounded = new Inflights(capacity: 10, maxBytes: 0);
        unbounded.Add(1, long.MaxValue / 2);
        Assert.False(unbounded.IsFull);
    }

    [Fact]
    public void An_acknowledgement_frees_every_message_up_to_the_index_it_acknowledges_and_their_bytes()
    {
        var window = new Inflights(capacity: 3);
        window.Add(3, 30);
        window.Add(6, 20);
        window.Add(9, 10);

        window.FreeTo(5);
        Assert.Equal((2, 30L), (window.Count, window.Bytes));
        window.FreeTo(6);
        Assert.Equal((1, 10L), (window.Count, window.Bytes));
        window.FreeTo(100);
        Assert.Equal((0, 0L), (window.Count, window.Bytes));
        window.FreeTo(100); // nothing left: no harm
        Assert.Equal(0, window.Count);
    }

    [Fact]
    public void Freeing_the_first_message_or_resetting_gives_its_slot_and_bytes_back()
    {
        var window = new Inflights(capacity: 2);
        window.Add(3, 30);
        window.Add(6, 20);

        window.FreeFirst();
        Assert.Equal((1, 20L), (window.Count, window.Bytes));
        window.Reset();
        Assert.Equal((0, 0L), (window.Count, window.Bytes));
        window.FreeFirst(); // an empty window stays empty
        Assert.Equal((0, 0L), (window.Count, window.Bytes));
    }

    [Fact]
    public void A_probing_follower_gets_one_message_at_a_time_and_its_next_index_stays_put()
    {
        // etcd raft: in probe state the leader does not know where the follower's log matches, so it sends one
        // append and waits for the answer (or a heartbeat's) before the next.
        var pr = new Progress(next: 10, maxInflight: 4);
        Assert.Equal(ReplicationState.Probe, pr.State);
        Assert.False(pr.IsPaused);

        pr.SentEntries(15, 100);

        Assert.True(pr.IsPaused);
        Assert.Equal((10L, 0), (pr.Next, pr.Inflights.Count));
    }

    [Fact]
    public void A_replicating_follower_is_sent_entries_optimistically_until_the_window_is_full()
    {
        var pr = new Progress(next: 10, maxInflight: 2);
        pr.MaybeUpdate(9);
        pr.BecomeReplicate();

        pr.SentEntries(12, 30);
        Assert.Equal((13L, false), (pr.Next, pr.IsPaused));
        pr.SentEntries(14, 20);

        Assert.Equal((15L, true), (pr.Next, pr.IsPaused));
    }

    [Fact]
    public void A_follower_receiving_a_snapshot_is_sent_nothing_else()
    {
        var pr = new Progress(next: 10, maxInflight: 4);
        pr.BecomeReplicate();
        pr.SentEntries(12, 30);

        pr.BecomeSnapshot(50);

        Assert.Equal((ReplicationState.Snapshot, 50L, 0L, 0), (pr.State, pr.PendingSnapshot, pr.SnapshotOffset, pr.Inflights.Count));
        Assert.True(pr.IsPaused);
    }

    [Fact]
    public void Changing_state_restarts_from_the_entry_after_the_match_index_with_an_empty_window()
    {
        var pr = new Progress(next: 10, maxInflight: 4);
        pr.MaybeUpdate(7);
        pr.BecomeReplicate();
        pr.SentEntries(12, 30);
        pr.SentEntries(15, 30);

        pr.BecomeProbe();
        Assert.Equal((ReplicationState.Probe, 8L, 0, false), (pr.State, pr.Next, pr.Inflights.Count, pr.IsPaused));
        pr.SentEntries(9, 10);
        Assert.True(pr.IsPaused);

        pr.BecomeReplicate();
        Assert.Equal((ReplicationState.Replicate, 8L, 0, false), (pr.State, pr.Next, pr.Inflights.Count, pr.IsPaused));
    }

    [Fact]
    public void The_match_index_only_moves_forward_and_a_new_match_reopens_a_paused_probe()
    {
        var pr = new Progress(next: 10, maxInflight: 4);
        pr.SentEntries(12, 10);

        Assert.True(pr.MaybeUpdate(12));
        Assert.Equal((12L, 13L, false), (pr.Match, pr.Next, pr.IsPaused));

        pr.SentEntries(14, 10);
        Assert.False(pr.MaybeUpdate(12)); // the same acknowledgement again
        Assert.False(pr.MaybeUpdate(11)); // a stale one
        Assert.Equal((12L, true), (pr.Match, pr.IsPaused));
    }

    [Fact]
    public void An_acknowledgement_never_moves_next_index_back()
    {
        var pr = new Progress(next: 10, maxInflight: 4);
        pr.MaybeUpdate(3);

        Assert.Equal(10L, pr.Next);
        pr.MaybeUpdate(20);
        Assert.Equal(21L, pr.Next);
    }

    [Fact]
    public void A_replicating_follower_falls_back_to_the_entry_after_its_match_index_on_a_rejection_above_it_only()
    {
        var pr = new Progress(next: 10, maxInflight: 4);
        pr.MaybeUpdate(9);
        pr.BecomeReplicate();
        pr.SentEntries(15, 10);

        Assert.False(pr.MaybeDecreaseTo(rejected: 9, hintIndex: 0)); // at the match index: stale
        Assert.Equal(16L, pr.Next);
        Assert.True(pr.MaybeDecreaseTo(rejected: 10, hintIndex: 0));
        Assert.Equal(10L, pr.Next);
    }

    [Fact]
    public void A_probing_follower_moves_back_only_on_the_rejection_of_its_last_probe_to_the_hint_but_never_to_its_match()
    {
        var pr = new Progress(next: 20, maxInflight: 4);
        pr.MaybeUpdate(5);
        pr.SentEntries(25, 10);

        Assert.False(pr.MaybeDecreaseTo(rejected: 18, hintIndex: 3)); // not the probe in flight (index 19)
        Assert.Equal((20L, true), (pr.Next, pr.IsPaused));

        Assert.True(pr.MaybeDecreaseTo(rejected: 19, hintIndex: 12));
        Assert.Equal((13L, false), (pr.Next, pr.IsPaused));

        Assert.True(pr.MaybeDecreaseTo(rejected: 12, hintIndex: 40)); // a hint above the rejected index: the rejected one
        Assert.Equal(12L, pr.Next);

        Assert.True(pr.MaybeDecreaseTo(rejected: 11, hintIndex: 1)); // below the match index: just after it
        Assert.Equal(6L, pr.Next);
    }
}
