namespace HttpRaft.Storage;

/// <summary>How a <see cref="FileRaftStorage"/> lays out and syncs its files.</summary>
public sealed record StorageOptions
{
    /// <summary>The smallest <see cref="SegmentBytes"/>: 64 KiB, so that rolling never dominates the cost of appending.</summary>
    public const long MinSegmentBytes = 64L * 1024;

    /// <summary>The largest <see cref="SegmentBytes"/>: 1 GiB. The index keeps 32-bit offsets, and a segment grows past the limit by one batch.</summary>
    public const long MaxSegmentBytes = 1024L * 1024 * 1024;

    /// <summary>The data directory; created if missing and locked for the life of the storage.</summary>
    public required string Directory { get; init; }

    /// <summary>Whether <see cref="IRaftStorage.Save"/> with sync = true calls fsync.</summary>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Always;

    /// <summary>
    /// A segment that has reached this many bytes is closed and the next write starts a new one, as Kafka's
    /// <c>segment.bytes</c>: retention deletes whole segments, so smaller ones free space sooner. Between
    /// <see cref="MinSegmentBytes"/> and <see cref="MaxSegmentBytes"/>.
    /// </summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most recent entries kept in memory (the tail replication and clients read most).</summary>
    public int CacheEntries { get; init; } = 4096;

    /// <summary>Upper bound on the payload bytes of the cached entries.</summary>
    public long CacheBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>For tests: segments below <see cref="MinSegmentBytes"/>, so a few records roll them.</summary>
    internal bool AllowTinySegments { get; init; }

    /// <summary>Throws for a setting outside its range.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Directory);
        var min = AllowTinySegments ? 1 : MinSegmentBytes;
        if (SegmentBytes < min || SegmentBytes > MaxSegmentBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentBytes), SegmentBytes, $"SegmentBytes must be between {MinSegmentBytes} (64 KiB) and {MaxSegmentBytes} (1 GiB).");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(CacheEntries);
        ArgumentOutOfRangeException.ThrowIfNegative(CacheBytes);
    }
}
