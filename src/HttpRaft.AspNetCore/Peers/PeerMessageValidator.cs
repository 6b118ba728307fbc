using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Checks a decoded peer message before it reaches the core: it must be addressed to this node, come from
/// another member, and carry indexes and terms that are possible. The core trusts its peers' arithmetic
/// (an AppendEntries with a gap in its entries would trip its safety checks), so nothing malformed gets in.
/// Each kind's own fields are checked by its entry in <see cref="PeerMessageKinds"/>.
/// </summary>
internal static class PeerMessageValidator
{
    /// <summary>Null when <paramref name="m"/> is acceptable; otherwise what is wrong with it.</summary>
    public static string? Validate(Message m, int selfId) => Validate(m, selfId, PeerMessageLimits.None);

    /// <summary>
    /// Null when <paramref name="m"/> is acceptable within <paramref name="limits"/>; otherwise what is wrong with it.
    /// Any other node's id is acceptable as the sender: a joining or lagging node hears from a leader its log does not
    /// name yet (the receiver answers a removed member's messages with 410 instead).
    /// </summary>
    public static string? Validate(Message m, int selfId, PeerMessageLimits limits)
    {
        if (m.To != selfId) return $"addressed to node {m.To}, but this is node {selfId}";
        if (m.From < 0 || m.From == selfId) return $"sender {m.From} is not another node";
        if (m.Term < 0) return "negative term";
        if (m.Term > SizeLimits.MaxIndexOrTerm) return "term is impossibly large";
        if (m.Term - limits.CurrentTerm > SizeLimits.MaxTermLead) return $"term {m.Term} is more than {SizeLimits.MaxTermLead} ahead of this node's term {limits.CurrentTerm}";
        return PeerMessageKinds.Of(m).Validate(m, limits);
    }

    /// <summary>Null when every value is a possible index or term; otherwise what is wrong.</summary>
    public static string? NonNegative(params ReadOnlySpan<long> values)
    {
        foreach (var value in values)
        {
            if (value < 0) return "negative index or term";
            if (value > SizeLimits.MaxIndexOrTerm) return "index or term is impossibly large";
        }
        return null;
    }

    private static bool CutsBeforeItself(Entry entry) => entry.TruncationFirstIndex is { } first && first >= 1 && first <= entry.Index;

    /// <summary>A piece must lie inside a snapshot no larger than the bound, of an entry with a possible term.</summary>
    public static string? CheckSnapshotChunk(SnapshotChunk c, PeerMessageLimits limits)
    {
        if (NonNegative(c.SnapshotIndex, c.SnapshotTerm, c.Offset, c.TotalBytes) is { } problem) return problem;
        if (c.SnapshotTerm < 1 || c.SnapshotTerm > c.Term) return $"snapshot term {c.SnapshotTerm} is outside 1..{c.Term}";
        if (c.TotalBytes > limits.MaxSnapshotBytes) return $"a snapshot of {c.TotalBytes} bytes is larger than the {limits.MaxSnapshotBytes} this node accepts";
        if (c.Offset + c.Data.Length > c.TotalBytes) return $"a piece at offset {c.Offset} of {c.Data.Length} bytes runs past the snapshot's {c.TotalBytes}";
        return null;
    }

    /// <summary>Entries must follow PrevLogIndex without gaps, with terms from 1 up to the sender's term, within the size bounds.</summary>
    public static string? CheckEntries(AppendRequest a, PeerMessageLimits limits)
    {
        if (a.Entries.Count > limits.MaxEntries) return $"{a.Entries.Count} entries in one message, more than the {limits.MaxEntries} a batch can hold";
        var expected = a.PrevLogIndex + 1;
        foreach (var entry in a.Entries)
        {
            if (entry.Data.Length > limits.MaxEntryBytes) return $"entry {entry.Index} holds {entry.Data.Length} bytes, more than {limits.MaxEntryBytes}";
            if (entry.Index != expected++) return $"entry index {entry.Index} does not follow on from {expected - 2}";
            if (entry.Index > SizeLimits.MaxIndexOrTerm) return $"entry index {entry.Index} is impossibly large";
            if (entry.Term < 1 || entry.Term > a.Term) return $"entry {entry.Index} has term {entry.Term} outside 1..{a.Term}";
            // The core decodes configurations as it appends them; one that does not decode must not reach it.
            if (entry.Kind == EntryKind.Configuration && Configuration.TryDecode(entry.Data.Span, out var problem) is null) return $"entry {entry.Index} is not a configuration: {problem}";
            // Every node cuts its log where a truncation says: only before the entry itself, never past it.
            if (entry.Kind == EntryKind.TruncatePrefix && !CutsBeforeItself(entry)) return $"entry {entry.Index} is not a truncation before it";
        }
        return null;
    }
}
