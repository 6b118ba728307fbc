using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// Messages a correct peer would never send (misrouted, from strangers, claiming the impossible) leave a node's
/// state intact and never throw.
/// </summary>
public sealed class HostileInputTests
{
    public static TheoryData<Message> Strangers => new()
    {
        new Heartbeat(-1, 1, 50, Commit: 1_000, ReadRound: 1),
        new VoteRequest(-1, 1, 50, PreVote: false, 1_000, 50),
        new AppendRequest(-1, 1, 50, 0, 0, [Entry.Normal(1, 50, Logs.Payload("forged"))], 1),
    };

    public static TheoryData<Message> Misrouted => new()
    {
        new Heartbeat(0, 2, 50, Commit: 1_000, ReadRound: 1),
        new VoteRequest(2, 0, 50, PreVote: false, 1_000, 50),
        new AppendRequest(1, 1, 50, 0, 0, [Entry.Normal(1, 50, Logs.Payload("from itself"))], 1),
    };

    [Theory]
    [MemberData(nameof(Strangers))]
    public void A_message_from_no_node_at_all_is_ignored(Message message)
    {
        // Raft paper §5.1: every RPC comes from a server. An id that names none (the "nobody" id) is no Raft traffic.
        // A message from an id outside this node's configuration is Raft traffic: a joining or lagging node learns the
        // membership from the very leader it does not know yet (dissertation §4.2.1); the host refuses removed ids.
        AssertIgnoredBy(1, message);
    }

    [Theory]
    [MemberData(nameof(Misrouted))]
    public void A_message_addressed_to_another_node_or_from_itself_is_ignored(Message message)
    {
        // Raft paper §5.1: an RPC means something only to the server it was sent to; a misrouted one must change nothing.
        AssertIgnoredBy(1, message);
    }

    [Fact]
    public void An_append_response_claiming_entries_beyond_the_leaders_log_is_ignored()
    {
        // Raft paper §5.3: matchIndex only counts entries the leader sent; a claim beyond its log cannot advance the commit index.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var before = leader.Status;

        cluster.Deliver(new AppendResponse(1, 0, leader.Term, Success: true, Index: 1_000, 0, 0));
        cluster.Deliver(new AppendResponse(2, 0, leader.Term, Success: true, Index: long.MaxValue, 0, 0));
        cluster.Deliver(new AppendResponse(1, 0, leader.Term, Success: false, Index: 1_000, ConflictIndex: 999, ConflictTerm: 7));

        var after = leader.Status;
        Assert.Equal(before.CommitIndex, after.CommitIndex);
        Assert.Equal(before.Followers[1], after.Followers[1]);
        Assert.Equal(before.Followers[2], after.Followers[2]);
        Assert.Equal(Role.Leader, leader.Role);
    }

    [Fact]
    public void A_rejection_with_a_nonsense_hint_never_moves_next_index_to_or_below_match_index()
    {
        // Raft paper §5.3: nextIndex backs off towards matchIndex + 1 and never below: entries up to matchIndex are known to match.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var match = leader.Status.Followers[1].MatchIndex;
        leader.Raft.Propose(Logs.Payload("x"));

        (long Index, long Term)[] hints = [(-100, 0), (long.MaxValue, 0), (long.MinValue, 5), (0, -3), (long.MaxValue, long.MaxValue)];
        foreach (var (index, term) in hints)
        {
            // Each answers the AppendEntries the leader is waiting on, so the hint is acted upon.
            var rejected = leader.Status.Followers[1] is { Replicating: true } ? match + 1 : leader.Status.Followers[1].NextIndex - 1;
            leader.Raft.Step(new AppendResponse(1, 0, leader.Term, Success: false, rejected, index, term));
            var status = leader.Status.Followers[1];
            Assert.Equal(match, status.MatchIndex);
            Assert.True(status.NextIndex > match, $"hint ({index}, {term}) moved nextIndex to {status.NextIndex}");
        }
        cluster.Stabilize();
        Assert.Equal(leader.Raft.LastIndex, leader.Status.Followers[1].MatchIndex);
    }

    [Theory]
    [InlineData(1_000L)]
    [InlineData(long.MaxValue)]
    [InlineData(-5L)]
    public void A_heartbeat_with_a_commit_index_beyond_the_log_does_not_throw(long commit)
    {
        // Raft paper §5.3: a follower's commit index never passes its last entry.
        var cluster = Cluster.Create(3);
        cluster.Elect(0);
        var follower = cluster[1];

        cluster.Deliver(new Heartbeat(0, 1, follower.Term, commit, ReadRound: 0));
        cluster.Deliver(new AppendRequest(0, 1, follower.Term, follower.Raft.LastIndex, follower.Term, [], commit));

        Assert.InRange(follower.Raft.CommitIndex, 0, follower.Raft.LastIndex);
    }

    [Fact]
    public void A_heartbeat_response_echoing_a_future_read_round_confirms_nothing()
    {
        // Dissertation §6.4: only an answer to a heartbeat actually sent after the read proves leadership for it.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.ReadIndex(1);
        cluster.HandleReady(0);
        cluster.Drop(m => m is Heartbeat);

        cluster.Deliver(new HeartbeatResponse(1, 0, leader.Term, ReadRound: long.MaxValue));
        cluster.Deliver(new HeartbeatResponse(2, 0, leader.Term, ReadRound: 99));

        Assert.Empty(leader.ReadStates);
    }

    /// <summary>Steps <paramref name="message"/> into a follower of a fresh cluster and checks nothing changed.</summary>
    private static void AssertIgnoredBy(int id, Message message)
    {
        var cluster = Cluster.Create(3);
        cluster.Elect(0);
        var node = cluster[id];
        var before = (node.Status, node.Storage.HardState, node.Storage.LastIndex);

        node.Raft.Step(message);

        Assert.False(node.Raft.HasReady);
        var now = node.Status;
        Assert.Equal(before.Status with { Followers = now.Followers }, now);
        Assert.Equal((before.HardState, before.LastIndex), (node.Storage.HardState, node.Storage.LastIndex));
    }
}
