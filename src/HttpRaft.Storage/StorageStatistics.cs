namespace HttpRaft.Storage;

/// <summary>What a storage holds and uses at one moment: for <c>/status</c> and metrics.</summary>
public sealed record StorageStatistics
{
    /// <summary>The data directory as a full path; null for storage that keeps nothing on disk.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The fsync policy; null for storage that never syncs anything.</summary>
    public FsyncPolicy? Fsync { get; init; }

    /// <summary>Segment files the log spans.</summary>
    public int Segments { get; init; }

    /// <summary>Bytes of the segment files and the snapshot on disk.</summary>
    public long DiskBytes { get; init; }

    /// <summary>The first entry held (1 until the log is compacted).</summary>
    public long FirstIndex { get; init; }

    /// <summary>The last entry held (FirstIndex - 1 when there is none).</summary>
    public long LastIndex { get; init; }

    /// <summary>The last entry the snapshot covers; 0 without one.</summary>
    public long SnapshotIndex { get; init; }

    /// <summary>Segment files open right now: the current one, cached readers, and reads in flight.</summary>
    public int OpenFiles { get; init; }

    /// <summary>fsyncs issued since the storage opened (files and directory).</summary>
    public long Syncs { get; init; }
}
