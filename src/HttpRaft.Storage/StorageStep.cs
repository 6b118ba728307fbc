namespace HttpRaft.Storage;

/// <summary>
/// The durable steps of a compaction, a snapshot install and a segment roll, in the order they happen: the seam
/// through which tests stop an operation after any step, as a crash would, and reopen the directory.
/// </summary>
internal enum StorageStep
{
    /// <summary>The new snapshot is whole and synced in its temporary file, not yet renamed into place.</summary>
    SnapshotTempWritten,

    /// <summary>The new snapshot is renamed into place and the directory synced.</summary>
    SnapshotDurable,

    /// <summary>An older snapshot file is deleted.</summary>
    OldSnapshotDeleted,

    /// <summary>
    /// A hard-state record is appended and synced: the commit index raised to the snapshot's before compacting, or the
    /// hard state copied to a segment that survives because the one holding it is about to be deleted.
    /// </summary>
    HardStateWritten,

    /// <summary>A new segment's header is synced in its temporary file, not yet renamed into place.</summary>
    SegmentTempWritten,

    /// <summary>A new segment is renamed into place and the directory synced.</summary>
    SegmentCreated,

    /// <summary>One segment below the snapshot is deleted (once per segment, oldest first).</summary>
    SegmentDeleted,
}
