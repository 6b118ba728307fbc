using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Peers;

/// <summary>The table of peer message kinds covers the core's messages exactly once, each with a code of its own.</summary>
public sealed class PeerMessageKindsTests
{
    /// <summary>One message of every kind, with every field set to something other than its default.</summary>
    public static TheoryData<Message> Messages() =>
    [
        new VoteRequest(1, 0, 4, false, 10, 3, Transfer: true),
        new VoteResponse(0, 1, 4, false, true),
        new AppendRequest(1, 0, 4, 9, 3, [Entry.Normal(10, 4, "hello"u8.ToArray()), Entry.NoOp(11, 4)], 9),
        new AppendResponse(0, 1, 4, false, 9, 7, 2),
        new Heartbeat(1, 2, 4, 8, 17),
        new HeartbeatResponse(2, 1, 4, 17),
        new ReadIndexRequest(2, 1, 4, 99),
        new ReadIndexResponse(1, 2, 4, 99, true, 12),
        new TimeoutNow(1, 2, 4),
        new SnapshotChunk(1, 2, 4, 20, 3, 256, 1000, new byte[] { 1, 2, 3 }),
        new SnapshotChunkResponse(2, 1, 4, 20, 259),
    ];

    [Fact]
    public void Every_message_kind_of_the_core_has_exactly_one_entry()
    {
        var kinds = typeof(Message).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Message)) && !t.IsAbstract).ToHashSet();

        Assert.Equal(kinds, PeerMessageKinds.All.Select(k => k.MessageType).ToHashSet());
        Assert.Equal(PeerMessageKinds.All.Count, PeerMessageKinds.All.Select(k => k.MessageType).Distinct().Count());
    }

    [Fact]
    public void Every_kind_has_its_own_code_and_is_found_by_it()
    {
        Assert.Equal(PeerMessageKinds.All.Count, PeerMessageKinds.All.Select(k => k.Code).Distinct().Count());
        foreach (var kind in PeerMessageKinds.All) Assert.Same(kind, PeerMessageKinds.OfCode(kind.Code));
        Assert.Null(PeerMessageKinds.OfCode(0));
    }

    [Fact]
    public void The_sample_messages_cover_every_kind()
    {
        var sampled = Messages().Cast<object[]>().Select(row => row[0].GetType()).ToHashSet();

        Assert.Equal(PeerMessageKinds.All.Select(k => k.MessageType).ToHashSet(), sampled);
    }

    /// <summary>Records compare entries' payloads by reference; compare them by content instead.</summary>
    internal static string Normalize(Message message) => message switch
    {
        AppendRequest append => $"{append with { Entries = [] }} {string.Join(",", append.Entries.Select(e => $"{e.Index}/{e.Term}/{e.Kind}/{Convert.ToBase64String(e.Data.Span)}"))}",
        SnapshotChunk chunk => $"{chunk with { Data = default }} {Convert.ToBase64String(chunk.Data.Span)}",
        _ => message.ToString(),
    };
}
