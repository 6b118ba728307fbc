using HttpRaft.Consensus;

namespace HttpRaft.Storage;

/// <summary>
/// Rebuilds the log from its records in write order, on top of the snapshot (the floor): an entry above the floor
/// goes into the index, replacing any suffix from its index on, as the Save that wrote it did; an entry at or below
/// the floor is in the snapshot already, but still supersedes whatever followed it; a segment flagged as a reset
/// (InstallSnapshot) supersedes everything before it. Anything that cannot have been written is corruption.
/// </summary>
/// <remarks>
/// <see cref="Last"/> is the last index of the whole log as written, compacted part included; the index holds the
/// entries above the floor, so Last &gt; floor exactly when the index is not empty, and then it ends at Last. The
/// first segment left after a compaction may begin after entries above the floor that lived in the segments deleted
/// before it: that is allowed only because a record in it rewrites the log from the floor + 1 or lower (which is
/// why those segments could go). Until that record comes the entries are unknown, and if it never comes they are
/// missing.
/// </remarks>
internal sealed class LogReplay(LogIndex log, Snapshot? snapshot, bool installed)
{
    private readonly long floor = snapshot?.Index ?? 0;

    /// <summary>Whether where the log stands is known yet: from the first headed segment, or a format-1 segment's first entry.</summary>
    private bool anchored;

    /// <summary>Entries floor + 1 onwards are unknown (in deleted segments) until a rewrite from floor + 1 or lower.</summary>
    private bool unknownAfterFloor;

    /// <summary>The last index of the log as written so far (compacted entries included).</summary>
    public long Last { get; private set; } = snapshot?.Index ?? 0;

    /// <summary>The term of entry <c>floor</c> as last written, if a segment still holds it: it must match the snapshot's.</summary>
    public long? FloorTerm { get; private set; }

    /// <summary>The segment that restarted the log right after the snapshot (its install), if any.</summary>
    public long? ResetSegment { get; private set; }

    public HardState HardState { get; private set; } = HardState.Empty;

    /// <summary>The segment of the last hard-state record.</summary>
    public long HardStateSegment { get; private set; }

    /// <summary>True when the snapshot was being installed and the crash came before its reset segment: the log must be emptied.</summary>
    public bool InstallUnfinished { get; private set; }

    /// <summary>Checks a segment's header against the log so far. Format 1 has none: its entries speak for themselves.</summary>
    public void BeginSegment(string path, long sequence, SegmentHeader header)
    {
        if (header.Format == SegmentHeader.LegacyFormat) return;
        var firstSegment = !anchored;
        anchored = true;
        var before = header.BaseIndex - 1;
        if (header.Reset)
        {
            if (before > floor) throw Corrupted(path, $"the segment restarts the log at entry {header.BaseIndex}, but the snapshot ends at {floor}: the snapshot it was written for is missing");
            log.Reset(floor + 1);
            Last = before;
            FloorTerm = null;
            unknownAfterFloor = false;
            if (before == floor) ResetSegment = sequence;
        }
        else if (firstSegment)
        {
            StartAfter(before);
        }
        else if (before != Last)
        {
            var problem = before > Last ? "a gap in the log" : "the segments overlap";
            throw Corrupted(path, $"the segment was started after entry {before}, but the segments before it end at entry {Last}: {problem} (a segment was emptied, replaced or lost)");
        }
    }

    public void Entry(long index, long term, long position, string path, long offset)
    {
        if (!anchored)
        {
            // The first format-1 segment left: it began where its first entry says.
            anchored = true;
            StartAfter(Math.Max(Last, index - 1));
        }
        if (index < 1 || index > Last + 1) throw new StorageCorruptedException(path, offset, $"entry {index} does not follow entry {Last} (a gap in the log)");
        Last = index;
        if (index <= floor)
        {
            // Compacted already; but a rewrite from here replaced what followed.
            if (!log.IsEmpty) log.Reset(floor + 1);
            FloorTerm = index == floor ? term : null;
            unknownAfterFloor = false;
            return;
        }
        if (unknownAfterFloor)
        {
            // After unknown entries nothing can be indexed; a rewrite from floor + 1 replaces them all.
            if (index > floor + 1) return;
            unknownAfterFloor = false;
        }
        log.TruncateFrom(index);
        log.Add(index, term, position);
    }

    /// <summary>The log as replayed starts after entry <paramref name="before"/>: entries above the floor up to it were in deleted segments.</summary>
    private void StartAfter(long before)
    {
        Last = before;
        unknownAfterFloor = before > floor;
    }

    public void HardStateRecord(HardState state, long sequence)
    {
        HardState = state;
        HardStateSegment = sequence;
    }

    /// <summary>Checks the replayed log against the snapshot, once every segment is replayed.</summary>
    public void Finish(string directory)
    {
        if (installed && ResetSegment is null)
        {
            log.Reset(floor + 1);
            Last = floor;
            InstallUnfinished = true;
            return;
        }
        if (unknownAfterFloor) throw Corrupted(directory, $"entries {floor + 1} to {Last} are missing: the first segment left begins after them and never rewrites them");
        if (snapshot is null) return;
        if (Last < floor) throw Corrupted(directory, $"the log ends at entry {Last} but the snapshot covers entries up to {floor}: entries are missing");
        if (FloorTerm is { } term && term != snapshot.Term)
        {
            throw Corrupted(directory, $"entry {floor} has term {term} in the log but term {snapshot.Term} in the snapshot");
        }
    }

    private static StorageCorruptedException Corrupted(string file, string problem) => new(file, 0, problem);
}
