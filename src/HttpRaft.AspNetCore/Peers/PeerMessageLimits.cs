using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// What a peer message may claim, relative to this node: how far its term may run ahead of ours, how many entries
/// and how many bytes per entry an AppendEntries may carry. A correct peer never comes near these bounds.
/// </summary>
/// <param name="CurrentTerm">This node's term as the loop last published it.</param>
/// <param name="MaxEntries">Entries in one AppendEntries: a batch the core sized to MaxAppendBytes holds at most MaxAppendBytes / 24 + 1.</param>
/// <param name="MaxEntryBytes">Data bytes of one entry: no entry larger than one AppendEntries can have been appended.</param>
internal readonly record struct PeerMessageLimits(long CurrentTerm, int MaxEntries, long MaxEntryBytes)
{
    /// <summary>
    /// How many terms a message may be ahead of this node. With pre-vote, a term advances only when an election
    /// could succeed, so a real peer is at most a few terms ahead; a million ahead is a forged or broken message,
    /// and stepping down for it would hand any authenticated but faulty sender the cluster's leadership.
    /// </summary>
    public const long MaxTermLead = 1_000_000;

    /// <summary>No bound but the validator's absolute ones.</summary>
    public static PeerMessageLimits None { get; } = new(PeerMessageValidator.MaxValue, int.MaxValue, long.MaxValue);

    /// <summary>The bounds for a node configured with <paramref name="settings"/> at term <paramref name="currentTerm"/>.</summary>
    public static PeerMessageLimits For(RaftHostOptions settings, long currentTerm) => new(
        currentTerm,
        (int)Math.Min(int.MaxValue, settings.MaxAppendBytes / Entry.Overhead + 1),
        settings.MaxAppendBytes);
}
