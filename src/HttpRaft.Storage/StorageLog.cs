using Microsoft.Extensions.Logging;

namespace HttpRaft.Storage;

/// <summary>The storage's log messages.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Cut off a torn record at the end of the log: {File} at offset {Offset} ({Problem}); {Bytes} bytes dropped")]
    public static partial void TornTail(ILogger logger, string file, long offset, string problem, long bytes);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Opened the log in {Directory}: {Segments} segments, entries {FirstIndex}..{LastIndex}, snapshot index {SnapshotIndex} (0: none), term {Term}, commit {Commit}")]
    public static partial void Opened(ILogger logger, string directory, int segments, long firstIndex, long lastIndex, long snapshotIndex, long term, long commit);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "The newest snapshot {File} is damaged ({Problem}); it was moved to {Aside} and the older snapshot at {SnapshotIndex}, which the segments still follow, is used instead")]
    public static partial void DamagedSnapshotSetAside(ILogger logger, string file, string problem, string aside, long snapshotIndex);
}
