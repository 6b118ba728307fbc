namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// What a peer message may claim, relative to this node: how far its term may run ahead of ours, how many entries
/// and how many bytes per entry an AppendEntries may carry (<see cref="SizeLimits"/> says why). A correct peer never
/// comes near these bounds.
/// </summary>
/// <param name="CurrentTerm">This node's term as the loop last published it.</param>
/// <param name="MaxEntries">Entries in one AppendEntries.</param>
/// <param name="MaxEntryBytes">Data bytes of one entry as the log holds it.</param>
/// <param name="MaxSnapshotBytes">Bytes of a whole snapshot sent in pieces.</param>
internal readonly record struct PeerMessageLimits(long CurrentTerm, int MaxEntries, long MaxEntryBytes, long MaxSnapshotBytes)
{
    /// <summary>No bound but the validator's absolute ones.</summary>
    public static PeerMessageLimits None { get; } = new(SizeLimits.MaxIndexOrTerm, int.MaxValue, long.MaxValue, int.MaxValue);

    /// <summary>The bounds for a node with <paramref name="limits"/> at term <paramref name="currentTerm"/>.</summary>
    public static PeerMessageLimits For(SizeLimits limits, long currentTerm) =>
        new(currentTerm, limits.MaxEntriesPerAppend, limits.MaxStoredEntryBytes, limits.MaxSnapshotBytes);
}
