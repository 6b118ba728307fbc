using HttpRaft.Consensus;

namespace HttpRaft.Storage;

public sealed partial class FileRaftStorage
{
    private Snapshot? snapshot;
    private string? snapshotPath;
    private long snapshotFileBytes;

    /// <summary>
    /// While the snapshot is an installed one: the segment its install started, from which entries count. It must
    /// not be deleted while that snapshot stands, or recovery would take the install for unfinished and drop the log.
    /// </summary>
    private long? resetSegment;

    /// <summary>
    /// Compaction, in this order, each step durable before the next: (1) the saved commit index is raised to the
    /// snapshot's if it is lower; (2) the snapshot file is written (temporary file, fsync, rename, directory fsync);
    /// (3) the older snapshot file is deleted; (4) the first index moves; (5) whole segments below it are deleted,
    /// oldest first, the hard state first copied forward if its segment is among them. Recovery finishes (5) after a
    /// crash at any point; see docs/storage-format.md.
    /// </summary>
    public void Compact(Snapshot snapshot)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        long first, last;
        lock (gate) (first, last) = (log.FirstIndex, log.LastIndex);
        SnapshotRules.CheckCompaction(snapshot, first, last, Term);
        if (hardState.Commit < snapshot.Index) AppendHardState(hardState with { Commit = snapshot.Index });
        ReplaceSnapshotFile(snapshot, flags: 0);
        lock (gate)
        {
            this.snapshot = snapshot;
            log.DropBefore(snapshot.Index + 1);
            cache.DropBefore(snapshot.Index + 1);
            controlEntryIndexes.RemoveAll(at => at <= snapshot.Index);
        }
        resetSegment = null;
        DeleteSegmentsBelowSnapshot();
    }

    /// <summary>
    /// Install, in this order: (1) the snapshot file is written durably, marked installed; (2) the older snapshot file
    /// is deleted; (3) a new segment is created whole, flagged as restarting the log at the snapshot's index + 1 and
    /// holding the hard state (its commit index raised to the snapshot's); (4) the log is emptied; (5) every older
    /// segment is deleted, oldest first. After a crash between (1) and (3), recovery finds the installed snapshot
    /// without its segment and finishes the install.
    /// </summary>
    public void InstallSnapshot(Snapshot snapshot)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        SnapshotRules.CheckInstall(snapshot, hardState.Commit);
        ReplaceSnapshotFile(snapshot, SnapshotFile.Installed);
        StartResetSegment(snapshot);
        DeleteSegmentsBelowSnapshot();
    }

    /// <summary>Writes the new snapshot file durably, then deletes the one it replaces.</summary>
    private void ReplaceSnapshotFile(Snapshot snapshot, uint flags)
    {
        var always = options.Fsync == FsyncPolicy.Always;
        var path = SnapshotFile.Write(directory, snapshot, flags, always, StepHook);
        if (always) Interlocked.Add(ref syncs, 2);
        var previous = snapshotPath;
        lock (gate)
        {
            snapshotPath = path;
            snapshotFileBytes = new FileInfo(path).Length;
        }
        if (previous is null || previous == path) return;
        File.Delete(previous);
        StepHook?.Invoke(StorageStep.OldSnapshotDeleted);
    }

    /// <summary>Creates the segment that restarts the log after the installed <paramref name="installed"/>, with the hard state, and empties the log.</summary>
    private void StartResetSegment(Snapshot installed)
    {
        var state = hardState with { Commit = Math.Max(hardState.Commit, installed.Index) };
        batch.ResetWrittenCount();
        RecordFrame.WriteHardState(batch, state);
        var segment = Roll(installed.Index + 1, reset: true, batch.WrittenSpan);
        lock (gate)
        {
            snapshot = installed;
            log.Reset(installed.Index + 1);
            cache.Clear();
            controlEntryIndexes.Clear();
            hardState = state;
        }
        hardStateSegment = segment.Sequence;
        resetSegment = segment.Sequence;
    }

    /// <summary>Appends a hard-state record to the current segment and syncs it.</summary>
    private void AppendHardState(HardState state)
    {
        var segment = CurrentSegmentFor(appendingEntries: false);
        batch.ResetWrittenCount();
        RecordFrame.WriteHardState(batch, state);
        segment.Append(batch.WrittenSpan);
        Sync(segment);
        hardStateSegment = segment.Sequence;
        lock (gate) hardState = state;
        StepHook?.Invoke(StorageStep.HardStateWritten);
    }

    /// <summary>
    /// Deletes, oldest first, the segments before the one holding the first entry (never the current one, nor an
    /// installed snapshot's reset segment). Each deletion is made durable before the next, so what is left on disk
    /// is always a run of consecutive segments.
    /// </summary>
    private void DeleteSegmentsBelowSnapshot()
    {
        if (segments.Count == 0) return;
        var keepFrom = Math.Min(log.FirstSegment ?? long.MaxValue, segments[^1].Sequence);
        if (resetSegment is { } reset) keepFrom = Math.Min(keepFrom, reset);
        var doomed = segments.TakeWhile(segment => segment.Sequence < keepFrom).ToList();
        if (doomed.Count == 0) return;
        if (hardStateSegment < keepFrom && hardState != HardState.Empty) AppendHardState(hardState);
        lock (gate) segments.RemoveRange(0, doomed.Count);
        foreach (var segment in doomed)
        {
            segment.Retire();
            segment.CloseWriter();
            readers.Forget(segment.Sequence);
            File.Delete(segment.Path);
            if (options.Fsync == FsyncPolicy.Always)
            {
                DirectorySync.Sync(directory);
                Interlocked.Increment(ref syncs);
            }
            StepHook?.Invoke(StorageStep.SegmentDeleted);
        }
    }
}
