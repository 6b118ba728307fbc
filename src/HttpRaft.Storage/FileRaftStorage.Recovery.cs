using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;

namespace HttpRaft.Storage;

public sealed partial class FileRaftStorage
{
    /// <summary>
    /// Loads the newest snapshot, replays every segment in order on top of it (<see cref="LogReplay"/>), cuts a torn
    /// record at the end of the last segment with a warning, then finishes whatever a crash interrupted: an install
    /// without its reset segment, segments below the snapshot not yet deleted, temporary files. Anything else wrong
    /// is corruption, and so is a log that ends before its saved commit index.
    /// </summary>
    private void Recover()
    {
        DeleteLeftoverTemporaryFiles();
        var choice = ChooseSnapshot();
        try
        {
            Replay(choice.Snapshot, choice.Installed);
        }
        catch (StorageCorruptedException) when (choice.Damaged is { } damaged)
        {
            // The older snapshot does not fit the segments either: report the damage that made us try it.
            throw damaged.Problem;
        }
        KeepAside(choice.Damaged);
        DeleteSnapshotsOtherThan(snapshotPath);
        CheckCommittedPrefix();
    }

    private void Replay(Snapshot? chosen, bool installed)
    {
        var floor = chosen?.Index ?? 0;
        log.Reset(floor + 1);
        var replay = new LogReplay(log, chosen, installed);
        var sequences = SegmentSequences();
        for (var i = 0; i < sequences.Count; i++)
        {
            var path = Path.Combine(directory, SegmentFile.NameOf(sequences[i]));
            if (ReplaySegment(replay, path, sequences[i], isLast: i == sequences.Count - 1) is { } segment) segments.Add(segment);
        }
        replay.Finish(directory);
        // Configuration entries below the snapshot, or past what replay could index, are not in the log.
        controlEntryIndexes.RemoveAll(at => at < log.FirstIndex || at > log.LastIndex);
        snapshot = chosen;
        hardState = replay.HardState;
        hardStateSegment = replay.HardStateSegment;
        resetSegment = installed ? replay.ResetSegment : null;
        // An empty last segment was deleted above: its number is free again, and must be, or it would look missing.
        nextSequence = segments.Count > 0 ? segments[^1].Sequence + 1 : sequences.Count > 0 ? sequences[0] : 1;
        if (segments.Count > 0 && segments[^1].Format == SegmentHeader.CurrentFormat) segments[^1].OpenForAppending();
        if (replay.InstallUnfinished) StartResetSegment(chosen!);
        DeleteSegmentsBelowSnapshot();
    }

    /// <summary>The segments' sequence numbers in order; a gap among them is a missing segment.</summary>
    private List<long> SegmentSequences()
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
        return sequences;
    }

    /// <summary>Replays one segment into the log; returns it, or null for an empty format-1 last segment (deleted: a crash right after the previous release created it).</summary>
    private SegmentFile? ReplaySegment(LogReplay replay, string path, long sequence, bool isLast)
    {
        var header = SegmentHeader.Read(path);
        var length = new FileInfo(path).Length;
        if (length == 0 && isLast)
        {
            File.Delete(path);
            return null;
        }
        replay.BeginSegment(path, sequence, header);
        var (validLength, tornProblem) = ReplayRecords(replay, path, sequence, header, isLast);
        var segment = SegmentFile.Existing(path, sequence, header, length, openFiles);
        if (validLength < length)
        {
            StorageLog.TornTail(logger, path, validLength, tornProblem, length - validLength);
            segment.Truncate(validLength);
        }
        return segment;
    }

    /// <summary>Replays one segment's records; returns the length of its valid prefix and, if shorter than the file, why.</summary>
    private (long ValidLength, string TornProblem) ReplayRecords(LogReplay replay, string path, long sequence, SegmentHeader header, bool isLast)
    {
        using var reader = new RecordReader(path, header);
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
            var payload = reader.Payload;
            if (RecordFrame.TypeOf(payload) == RecordType.HardState) replay.HardStateRecord(RecordFrame.ReadHardState(payload), sequence);
            else ReplayEntry(replay, payload, LogIndex.Pack((int)sequence, reader.Offset), path, reader.Offset);
        }
        return (reader.Length, "");
    }

    /// <summary>An entry record replayed: into the index, and into the configuration entries if it is one (a rewrite from its index drops those after).</summary>
    private void ReplayEntry(LogReplay replay, ReadOnlySpan<byte> payload, long position, string path, long offset)
    {
        var index = RecordFrame.EntryIndex(payload);
        replay.Entry(index, RecordFrame.EntryTerm(payload), position, path, offset);
        controlEntryIndexes.RemoveAll(at => at >= index);
        if (Entry.IsControl(RecordFrame.EntryKindOf(payload))) controlEntryIndexes.Add(index);
    }

    /// <summary>
    /// A log that ends before its own saved commit index has lost entries it acknowledged: whole records cut out of
    /// a segment at record boundaries pass every checksum, so this is the check that catches it. A snapshot beyond
    /// the saved commit index means the hard state is older than the snapshot (compaction and install raise it first).
    /// </summary>
    private void CheckCommittedPrefix()
    {
        var commit = hardState.Commit;
        if (commit > log.LastIndex)
        {
            throw new StorageCorruptedException(directory, 0, $"the log ends at entry {log.LastIndex} but its saved commit index is {commit}: committed entries are missing");
        }
        if (snapshot is { } s && s.Index > commit)
        {
            throw new StorageCorruptedException(directory, 0, $"the snapshot covers entries up to {s.Index} but the saved commit index is {commit}: the hard state is older than the snapshot");
        }
    }

    /// <summary>Temporary files of a segment or snapshot that a crash left before its rename: never part of the log.</summary>
    private void DeleteLeftoverTemporaryFiles()
    {
        foreach (var path in Directory.EnumerateFiles(directory, "*.tmp"))
        {
            var name = Path.GetFileName(path);
            if (SegmentFile.IsLeftoverTemp(name) || SnapshotFile.IsLeftoverTemp(name)) File.Delete(path);
        }
    }

    /// <summary>A damaged newest snapshot, and the exception that reports it.</summary>
    private sealed record DamagedSnapshot(string Path, StorageCorruptedException Problem);

    /// <summary>
    /// The newest snapshot. If it is damaged and an older one (not yet deleted, because the crash came right after
    /// the newer one was written) reads back whole, the older one is tried instead: recovery keeps it only if the
    /// segments still hold every entry after it. Never an older one for a snapshot in an unknown version.
    /// </summary>
    private (Snapshot? Snapshot, bool Installed, DamagedSnapshot? Damaged) ChooseSnapshot()
    {
        var files = SnapshotFile.List(directory);
        DamagedSnapshot? damaged = null;
        foreach (var (_, path) in files)
        {
            try
            {
                var (read, flags) = SnapshotFile.Read(path);
                snapshotPath = path;
                snapshotFileBytes = new FileInfo(path).Length;
                return (read, (flags & SnapshotFile.Installed) != 0, damaged);
            }
            catch (StorageCorruptedException e)
            {
                if (damaged is not null) throw damaged.Problem;
                damaged = new DamagedSnapshot(path, e);
            }
        }
        if (damaged is not null) throw damaged.Problem;
        return (null, false, null);
    }

    /// <summary>Renames a damaged snapshot that an older one replaced, so the operator can look at it and it is not read again.</summary>
    private void KeepAside(DamagedSnapshot? damaged)
    {
        if (damaged is null) return;
        var aside = damaged.Path + ".damaged";
        File.Move(damaged.Path, aside, overwrite: true);
        StorageLog.DamagedSnapshotSetAside(logger, damaged.Path, damaged.Problem.Message, aside, snapshot?.Index ?? 0);
    }

    private void DeleteSnapshotsOtherThan(string? keep)
    {
        foreach (var (_, path) in SnapshotFile.List(directory))
        {
            if (path != keep) File.Delete(path);
        }
    }
}
