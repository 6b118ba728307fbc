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
    public static string? Validate(Message m, int selfId, int clusterSize) => Validate(m, selfId, clusterSize, PeerMessageLimits.None);

    /// <summary>Null when <paramref name="m"/> is acceptable within <paramref name="limits"/>; otherwise what is wrong with it.</summary>
    public static string? Validate(Message m, int selfId, int clusterSize, PeerMessageLimits limits)
    {
        if (m.To != selfId) return $"addressed to node {m.To}, but this is node {selfId}";
        if (m.From < 0 || m.From >= clusterSize || m.From == selfId) return $"sender {m.From} is not another member";
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
        }
        return null;
    }
}
