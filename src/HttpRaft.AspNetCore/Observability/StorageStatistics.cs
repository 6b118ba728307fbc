using HttpRaft.Storage;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>
/// Bytes and segment files of the write-ahead log, for the metrics and the dashboard. The one place that reads them
/// from storage, so it is the one place to change when storage reports statistics of its own.
/// </summary>
internal readonly record struct StorageStatistics(long Bytes, int Segments)
{
    /// <summary>What <paramref name="storage"/> holds now; zero for a storage that is not on disk. Thread-safe, not for a hot path.</summary>
    public static StorageStatistics Of(IRaftStorage storage) =>
        storage is FileRaftStorage disk ? new StorageStatistics(disk.DiskBytes, disk.SegmentCount) : default;
}
