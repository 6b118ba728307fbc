using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Every peer message kind, each described once: its code, its fields in wire order, and its own validation. Adding
/// a message kind to the core means adding one entry here (and its tests); the frame codec and the validator take
/// everything else from this table.
/// </summary>
internal static class PeerMessageKinds
{
    /// <summary>Bytes of one entry's header in an AppendEntries: index, term, kind, data length.</summary>
    public const int EntryHeaderBytes = 8 + 8 + 1 + 4;

    public static IReadOnlyList<PeerMessageKind> All { get; } =
    [
        new PeerMessageKind<VoteRequest>(1,
            static (ref FrameWriter w, VoteRequest m) => { w.Bool(m.PreVote); w.Int64(m.LastLogIndex); w.Int64(m.LastLogTerm); w.Bool(m.Transfer); },
            static (ref FrameReader r, FrameHeader h) => new VoteRequest(h.From, h.To, h.Term, r.Bool(), r.Int64(), r.Int64(), r.Bool()),
            static (m, _) => PeerMessageValidator.NonNegative(m.LastLogIndex, m.LastLogTerm)),
        new PeerMessageKind<VoteResponse>(2,
            static (ref FrameWriter w, VoteResponse m) => { w.Bool(m.PreVote); w.Bool(m.Granted); },
            static (ref FrameReader r, FrameHeader h) => new VoteResponse(h.From, h.To, h.Term, r.Bool(), r.Bool()),
            static (_, _) => null),
        new PeerMessageKind<AppendRequest>(3, WriteAppend, ReadAppend,
            static (m, limits) => PeerMessageValidator.NonNegative(m.PrevLogIndex, m.PrevLogTerm, m.LeaderCommit) ?? PeerMessageValidator.CheckEntries(m, limits)),
        new PeerMessageKind<AppendResponse>(4,
            static (ref FrameWriter w, AppendResponse m) => { w.Bool(m.Success); w.Int64(m.Index); w.Int64(m.ConflictIndex); w.Int64(m.ConflictTerm); },
            static (ref FrameReader r, FrameHeader h) => new AppendResponse(h.From, h.To, h.Term, r.Bool(), r.Int64(), r.Int64(), r.Int64()),
            static (m, _) => PeerMessageValidator.NonNegative(m.Index, m.ConflictIndex, m.ConflictTerm)),
        new PeerMessageKind<Heartbeat>(5,
            static (ref FrameWriter w, Heartbeat m) => { w.Int64(m.Commit); w.Int64(m.ReadRound); },
            static (ref FrameReader r, FrameHeader h) => new Heartbeat(h.From, h.To, h.Term, r.Int64(), r.Int64()),
            static (m, _) => PeerMessageValidator.NonNegative(m.Commit, m.ReadRound)),
        new PeerMessageKind<HeartbeatResponse>(6,
            static (ref FrameWriter w, HeartbeatResponse m) => w.Int64(m.ReadRound),
            static (ref FrameReader r, FrameHeader h) => new HeartbeatResponse(h.From, h.To, h.Term, r.Int64()),
            static (m, _) => PeerMessageValidator.NonNegative(m.ReadRound)),
        new PeerMessageKind<ReadIndexRequest>(7,
            static (ref FrameWriter w, ReadIndexRequest m) => w.Int64(m.RequestId),
            static (ref FrameReader r, FrameHeader h) => new ReadIndexRequest(h.From, h.To, h.Term, r.Int64()),
            static (_, _) => null),
        new PeerMessageKind<ReadIndexResponse>(8,
            static (ref FrameWriter w, ReadIndexResponse m) => { w.Int64(m.RequestId); w.Bool(m.Success); w.Int64(m.Index); },
            static (ref FrameReader r, FrameHeader h) => new ReadIndexResponse(h.From, h.To, h.Term, r.Int64(), r.Bool(), r.Int64()),
            static (m, _) => PeerMessageValidator.NonNegative(m.Index)),
        new PeerMessageKind<TimeoutNow>(9,
            static (ref FrameWriter _, TimeoutNow _) => { },
            static (ref FrameReader _, FrameHeader h) => new TimeoutNow(h.From, h.To, h.Term),
            static (_, _) => null),
        new PeerMessageKind<SnapshotChunk>(10, WriteSnapshotChunk, ReadSnapshotChunk, static (m, limits) => PeerMessageValidator.CheckSnapshotChunk(m, limits)),
        new PeerMessageKind<SnapshotChunkResponse>(11,
            static (ref FrameWriter w, SnapshotChunkResponse m) => { w.Int64(m.SnapshotIndex); w.Int64(m.Received); },
            static (ref FrameReader r, FrameHeader h) => new SnapshotChunkResponse(h.From, h.To, h.Term, r.Int64(), r.Int64()),
            static (m, _) => PeerMessageValidator.NonNegative(m.SnapshotIndex, m.Received)),
    ];

    private static readonly Dictionary<Type, PeerMessageKind> ByType = All.ToDictionary(k => k.MessageType);

    private static readonly PeerMessageKind?[] ByCode = CodeTable();

    /// <summary>The kind of <paramref name="message"/>; throws for a message type that has no entry (a bug, not input).</summary>
    public static PeerMessageKind Of(Message message) =>
        ByType.TryGetValue(message.GetType(), out var kind)
            ? kind
            : throw new ArgumentException($"No peer message kind for {message.GetType().Name}.", nameof(message));

    /// <summary>The kind with code <paramref name="code"/>, or null for a code no kind has.</summary>
    public static PeerMessageKind? OfCode(byte code) => ByCode[code];

    private static PeerMessageKind?[] CodeTable()
    {
        var table = new PeerMessageKind?[256];
        foreach (var kind in All)
        {
            if (table[kind.Code] is not null) throw new InvalidOperationException($"Two peer message kinds share code {kind.Code}.");
            table[kind.Code] = kind;
        }
        return table;
    }

    private static void WriteAppend(ref FrameWriter w, AppendRequest m)
    {
        w.Int64(m.PrevLogIndex);
        w.Int64(m.PrevLogTerm);
        w.Int64(m.LeaderCommit);
        w.Int32(m.Entries.Count);
        foreach (var entry in m.Entries)
        {
            w.Int64(entry.Index);
            w.Int64(entry.Term);
            w.Byte((byte)entry.Kind);
            w.Int32(entry.Data.Length);
            w.Bytes(entry.Data.Span);
        }
    }

    private static void WriteSnapshotChunk(ref FrameWriter w, SnapshotChunk m)
    {
        w.Int64(m.SnapshotIndex);
        w.Int64(m.SnapshotTerm);
        w.Int64(m.Offset);
        w.Int64(m.TotalBytes);
        w.Int32(m.Data.Length);
        w.Bytes(m.Data.Span);
    }

    private static SnapshotChunk? ReadSnapshotChunk(ref FrameReader r, FrameHeader h)
    {
        long index = r.Int64(), term = r.Int64(), offset = r.Int64(), total = r.Int64();
        var length = r.Int32();
        if (length < 0 || length > r.Remaining) return r.Fail<SnapshotChunk>($"a snapshot piece claims {length} bytes, more than the frame holds");
        var data = r.Bytes(length).ToArray();
        return r.Error is null ? new SnapshotChunk(h.From, h.To, h.Term, index, term, offset, total, data) : null;
    }

    private static AppendRequest? ReadAppend(ref FrameReader r, FrameHeader h)
    {
        long prevIndex = r.Int64(), prevTerm = r.Int64(), commit = r.Int64();
        var count = r.Int32();
        if (count < 0 || (long)count * EntryHeaderBytes > r.Remaining) return r.Fail<AppendRequest>($"entry count {count} does not fit the frame");
        // One array holds every entry's bytes: one allocation per message instead of one per entry.
        var data = new byte[r.Remaining - count * EntryHeaderBytes];
        var entries = new Entry[count];
        var used = 0;
        for (var i = 0; i < count && r.Error is null; i++)
        {
            long index = r.Int64(), entryTerm = r.Int64();
            var entryKind = r.Byte();
            var length = r.Int32();
            if (!Enum.IsDefined((EntryKind)entryKind)) return r.Fail<AppendRequest>($"entry {index} has unknown kind {entryKind}");
            if (length < 0 || length > data.Length - used) return r.Fail<AppendRequest>($"entry {index} claims {length} bytes, more than the frame holds");
            r.Bytes(length).CopyTo(data.AsSpan(used));
            entries[i] = new Entry(index, entryTerm, (EntryKind)entryKind, data.AsMemory(used, length));
            used += length;
        }
        return r.Error is null ? new AppendRequest(h.From, h.To, h.Term, prevIndex, prevTerm, entries, commit) : null;
    }
}
