using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Peers;

/// <summary>Messages the core could not safely step are turned away at the door.</summary>
public sealed class PeerMessageValidatorTests
{
    private const int Self = 0;

    [Fact]
    public void A_sender_this_node_has_not_heard_of_is_accepted()
    {
        // A joining or lagging node hears from a leader its log does not name yet; removed members get 410 instead.
        Assert.Null(PeerMessageValidator.Validate(new Heartbeat(7, Self, 3, 0, 0), Self));
    }

    [Fact]
    public void A_well_formed_append_is_accepted()
    {
        var append = new AppendRequest(1, Self, 3, 4, 2, [Entry.Normal(5, 3, default), Entry.Normal(6, 3, default)], 4);

        Assert.Null(PeerMessageValidator.Validate(append, Self));
    }

    public static TheoryData<Message, string> Rejected() => new()
    {
        { new Heartbeat(1, 2, 3, 0, 0), "addressed to node 2" },
        { new Heartbeat(Self, Self, 3, 0, 0), "not another node" },
        { new Heartbeat(-1, Self, 3, 0, 0), "not another node" },
        { new AppendRequest(1, Self, 3, 0, 0, [new Entry(1, 3, EntryKind.Configuration, new byte[] { 9 })], 0), "is not a configuration" },
        { new Heartbeat(1, Self, -1, 0, 0), "negative term" },
        { new VoteRequest(1, Self, 3, false, -4, 0), "negative" },
        { new AppendRequest(1, Self, 3, 4, 2, [Entry.Normal(6, 3, default)], 4), "does not follow on" },
        { new AppendRequest(1, Self, 3, 4, 2, [Entry.Normal(5, 4, default)], 4), "outside 1..3" },
        { new AppendRequest(1, Self, 3, 4, 2, [Entry.Normal(5, 0, default)], 4), "outside 1..3" },
        { new Heartbeat(1, Self, long.MaxValue, 0, 0), "impossibly large" },
        { new VoteRequest(1, Self, 3, false, long.MaxValue / 2 + 1, 0), "impossibly large" },
        { new AppendRequest(1, Self, 3, 4, 2, [Entry.ForTruncation(5, 3, 6)], 4), "not a truncation before it" },
        { new AppendRequest(1, Self, 3, 4, 2, [new Entry(5, 3, EntryKind.TruncatePrefix, new byte[] { 1 })], 4), "not a truncation before it" },
        { new SnapshotChunk(1, Self, 3, 10, 2, 0, 1L << 40, new byte[] { 1 }), "larger than" },
        { new SnapshotChunk(1, Self, 3, 10, 2, 5, 6, new byte[] { 1, 2 }), "runs past" },
        { new SnapshotChunk(1, Self, 3, 10, 4, 0, 6, new byte[] { 1 }), "outside 1..3" },
        { new SnapshotChunk(1, Self, 3, 10, 2, -1, 6, new byte[] { 1 }), "negative" },
        { new SnapshotChunkResponse(1, Self, 3, 10, -1), "negative" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Impossible_messages_are_rejected_with_a_reason(Message message, string reason)
    {
        Assert.Contains(reason, PeerMessageValidator.Validate(message, Self), StringComparison.Ordinal);
    }

    [Fact]
    public void A_term_far_ahead_of_this_node_is_rejected()
    {
        var limits = new PeerMessageLimits(CurrentTerm: 7, MaxEntries: 100, MaxEntryBytes: 1024, MaxSnapshotBytes: 1 << 20);

        Assert.Null(PeerMessageValidator.Validate(new Heartbeat(1, Self, 7 + SizeLimits.MaxTermLead, 0, 0), Self, limits));
        Assert.Contains("ahead of this node's term 7", PeerMessageValidator.Validate(new Heartbeat(1, Self, 8 + SizeLimits.MaxTermLead, 0, 0), Self, limits), StringComparison.Ordinal);
    }

    [Fact]
    public void An_append_with_more_entries_than_a_batch_holds_is_rejected()
    {
        var limits = new PeerMessageLimits(CurrentTerm: 3, MaxEntries: 2, MaxEntryBytes: 1024, MaxSnapshotBytes: 1 << 20);
        var entries = Enumerable.Range(1, 3).Select(i => Entry.Normal(i, 3, default)).ToList();

        Assert.Contains("3 entries in one message", PeerMessageValidator.Validate(new AppendRequest(1, Self, 3, 0, 0, entries, 0), Self, limits), StringComparison.Ordinal);
        Assert.Null(PeerMessageValidator.Validate(new AppendRequest(1, Self, 3, 0, 0, entries[..2], 0), Self, limits));
    }

    [Fact]
    public void An_entry_larger_than_one_append_message_is_rejected()
    {
        var limits = new PeerMessageLimits(CurrentTerm: 3, MaxEntries: 10, MaxEntryBytes: 4, MaxSnapshotBytes: 1 << 20);
        var append = new AppendRequest(1, Self, 3, 0, 0, [Entry.Normal(1, 3, new byte[5])], 0);

        Assert.Contains("holds 5 bytes, more than 4", PeerMessageValidator.Validate(append, Self, limits), StringComparison.Ordinal);
    }

    [Fact]
    public void The_limits_follow_the_configured_append_size()
    {
        var limits = PeerMessageLimits.For(new RaftHostOptions { MaxAppendBytes = 24 * 100, MaxEntryBytes = 1000 }.Limits, currentTerm: 5);

        Assert.Equal(101, limits.MaxEntries);
        // An entry as the log holds it: the client's bytes behind the host's largest envelope.
        Assert.Equal(1000 + ClientPayload.MaxOverhead, limits.MaxEntryBytes);
        Assert.Equal(5, limits.CurrentTerm);
    }
}
