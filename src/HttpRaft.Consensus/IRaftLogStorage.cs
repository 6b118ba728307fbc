namespace HttpRaft.Consensus;

/// <summary>
/// The read side of durable storage as the consensus core sees it: what has been persisted so far.
/// The host writes to storage when it handles a <see cref="Ready"/>; the core only reads, synchronously,
/// so implementations keep terms in memory and may read entry payloads back from disk.
/// </summary>
public interface IRaftLogStorage
{
    /// <summary>The hard state last persisted, or <see cref="HardState.Empty"/> for a new node.</summary>
    HardState HardState { get; }

    /// <summary>The index of the first entry held (1 until the log is compacted).</summary>
    long FirstIndex { get; }

    /// <summary>The snapshot that replaced the log's prefix (its index is FirstIndex - 1), or null while the log starts at 1. Safe from any thread.</summary>
    Snapshot? Snapshot { get; }

    /// <summary>The index of the last entry persisted, or FirstIndex - 1 when the log is empty.</summary>
    long LastIndex { get; }

    /// <summary>The term of the entry at <paramref name="index"/>, for FirstIndex - 1 ≤ index ≤ LastIndex (0 for index 0).</summary>
    long Term(long index);

    /// <summary>
    /// The entries in [<paramref name="low"/>, <paramref name="high"/>), stopping once their total
    /// <see cref="Entry.Size"/> passes <paramref name="maxBytes"/> but always returning at least one entry.
    /// </summary>
    IReadOnlyList<Entry> Entries(long low, long high, long maxBytes);

    /// <summary>
    /// The indexes of the control entries persisted (<see cref="Entry.IsControl"/>: configurations and truncations), in
    /// order: a node finds its membership, and any cut it still has to make, at start-up without reading its whole log.
    /// </summary>
    IReadOnlyList<long> ControlEntryIndexes { get; }
}
