using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;

namespace HttpRaft.Storage;

public sealed partial class FileRaftStorage
{
    /// <summary>
    /// Replays every segment in order: entry records rebuild the index (a record at or below the last index
    /// replaces the suffix from there, as the Save that wrote it did), hard-state records replace the hard state.
    /// A torn record at the end of the last segment is cut off with a warning; anything else wrong is corruption.
    /// </summary>
    private void Recover()
    {
        var sequences = Directory.EnumerateFiles(directory, "wal-*.seg")
            .Select(path => SegmentFile.SequenceOf(Path.GetFileName(path)))
            .OfType<long>()
            .Order()
            .ToList();
        for (var i = 1; i < sequences.Count; i++)
        {
            if (sequences[i] != sequences[i - 1] + 1)
            {
                throw new StorageCorruptedException(Path.Combine(directory, SegmentFile.NameOf(sequences[i - 1] + 1)), 0, "segment file is missing");
            }
        }
        for (var i = 0; i < sequences.Count; i++)
        {
            var path = Path.Combine(directory, SegmentFile.NameOf(sequences[i]));
            var (validLength, tornProblem) = Replay(path, ordinal: i, isLast: i == sequences.Count - 1);
            var segment = SegmentFile.Open(directory, sequences[i], create: false);
            segments.Add(segment);
            if (validLength < segment.Length)
            {
                StorageLog.TornTail(logger, path, validLength, tornProblem, segment.Length - validLength);
                segment.Truncate(validLength);
            }
        }
    }

    /// <summary>Replays one segment into the index; returns the length of its valid prefix and, if shorter than the file, why.</summary>
    private (long ValidLength, string TornProblem) Replay(string path, int ordinal, bool isLast)
    {
        using var reader = new RecordReader(path);
        while (reader.TryNext(out var status))
        {
            if (status != RecordStatus.Valid)
            {
                var torn = status == RecordStatus.Torn
                    ? !reader.HasValidRecordAfter(reader.Offset)
                    : reader.IsZeroFrom(reader.Offset);
                if (!torn || !isLast)
                {
                    throw new StorageCorruptedException(path, reader.Offset, torn ? $"{reader.Problem}, in a segment that is not the last" : reader.Problem);
                }
                return (reader.Offset, status == RecordStatus.Torn ? reader.Problem : "zero-filled tail");
            }
            Apply(reader.Payload, path, reader.Offset, ordinal);
        }
        return (reader.Length, "");
    }

    private void Apply(ReadOnlySpan<byte> payload, string path, long offset, int ordinal)
    {
        if (RecordFrame.TypeOf(payload) == RecordType.HardState)
        {
            hardState = RecordFrame.ReadHardState(payload);
            return;
        }
        var index = RecordFrame.EntryIndex(payload);
        if (index < 1 || index > log.LastIndex + 1)
        {
            throw new StorageCorruptedException(path, offset, $"entry {index} does not follow entry {log.LastIndex} (a gap in the log)");
        }
        log.TruncateFrom(index);
        configurationIndexes.RemoveAll(at => at >= index);
        log.Add(index, RecordFrame.EntryTerm(payload), LogIndex.Pack(ordinal, offset));
        if (RecordFrame.EntryKindOf(payload) == EntryKind.Configuration) configurationIndexes.Add(index);
    }

    private void LogOpened() => StorageLog.Opened(logger, directory, segments.Count, log.LastIndex, hardState.Term, hardState.Commit);

    private static ILogger OrNull(ILogger? logger) => logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
}
