namespace HttpRaft.Storage;

/// <summary>How a <see cref="FileRaftStorage"/> lays out and syncs its files.</summary>
public sealed record StorageOptions
{
    /// <summary>The data directory; created if missing and locked for the life of the storage.</summary>
    public required string Directory { get; init; }

    /// <summary>Whether <see cref="IRaftStorage.Save"/> with sync = true calls fsync.</summary>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Always;

    /// <summary>A segment that has reached this many bytes is closed and the next write starts a new one.</summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most recent entries kept in memory (the tail replication and clients read most).</summary>
    public int CacheEntries { get; init; } = 4096;

    /// <summary>Upper bound on the payload bytes of the cached entries.</summary>
    public long CacheBytes { get; init; } = 16L * 1024 * 1024;
}
