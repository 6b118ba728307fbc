using HttpRaft.Consensus;

namespace HttpRaft.Storage;

/// <summary>
/// A node's log storage as the host uses it: the consensus core reads it through <see cref="IRaftLogStorage"/>,
/// the node loop writes each <see cref="Ready"/> through <see cref="Save"/>, and request threads read committed
/// entries through <see cref="ReadRange"/> while the loop keeps writing.
/// </summary>
/// <remarks>
/// Only the node loop calls <see cref="Save"/>, <see cref="Compact"/>, <see cref="InstallSnapshot"/> and the
/// <see cref="IRaftLogStorage"/> members, one call at a time. <see cref="ReadRange"/>, <see cref="Snapshot"/> and
/// <see cref="Statistics"/> may be called from any thread at any moment; an implementation must never make them wait
/// for disk I/O in progress on the loop (publish what was written only after it is durable).
/// The log may start at any index: after a snapshot, FirstIndex is <see cref="Snapshot.Index"/> + 1 and
/// Term(FirstIndex - 1) is <see cref="Snapshot.Term"/>.
/// </remarks>
public interface IRaftStorage : IRaftLogStorage
{
    /// <summary>
    /// Persists one <see cref="Ready"/>'s write set: <paramref name="entries"/> replace any stored entries at or
    /// after the first one's index, and <paramref name="hardState"/> (if not null) replaces the stored one. When
    /// <paramref name="sync"/> is true everything written must reach stable storage, with one sync for the batch,
    /// before this returns: the loop sends votes and acknowledgements right after.
    /// </summary>
    void Save(HardState? hardState, IReadOnlyList<Entry> entries, bool sync);

    /// <summary>
    /// The stored entries in [<paramref name="low"/>, <paramref name="high"/>), clipped to what is stored. Safe
    /// from any thread. Callers ask only for committed entries, which are never truncated, so the answer is stable.
    /// </summary>
    IReadOnlyList<Entry> ReadRange(long low, long high);

    /// <summary>
    /// Replaces the entries up to <paramref name="snapshot"/>'s index with the snapshot and keeps those after it. The
    /// caller compacts only committed, applied entries; the index must be at most LastIndex and its term must be the
    /// log's term there. When this returns, the snapshot is durable and FirstIndex is its index + 1; the segments that
    /// held only entries before that are gone (a crash in between is finished by the next open). The saved commit
    /// index is raised to the snapshot's index if it is lower (the entries are committed; the open checks it).
    /// </summary>
    void Compact(Snapshot snapshot);

    /// <summary>
    /// Replaces the whole log with <paramref name="snapshot"/>, for a follower too far behind to be sent entries: every
    /// entry is discarded and the next one saved must be the snapshot's index + 1. The saved commit index is raised to
    /// the snapshot's index if it is lower. Whether a follower that holds the snapshot's last entry keeps what follows
    /// (<see cref="Compact"/>) instead is the caller's decision.
    /// </summary>
    void InstallSnapshot(Snapshot snapshot);

    /// <summary>
    /// The segment files that hold entries, oldest first: where each starts, its size and when it was last written,
    /// for a retention policy by bytes or by age (whole segments are what a cut frees). Empty for storage without
    /// files. Safe from any thread; it reads file times, so call it now and then, not per request.
    /// </summary>
    IReadOnlyList<SegmentSummary> Segments();

    /// <summary>What the storage holds and uses right now. Safe from any thread.</summary>
    StorageStatistics Statistics { get; }
}
