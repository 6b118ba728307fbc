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
/// entries above the floor, so Last &gt; floor exactly when the index is not empty, and then it ends at Last.
/// </remarks>
internal sealed class LogReplay(LogIndex log, StoredSnapshot? snapshot, bool installed)
{
    private readonly long floor = snapshot?.Index ?? 0;
    private bool started;

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
        var firstSegment = !started;
        started = true;
        if (header.Format == SegmentHeader.LegacyFormat) return;
        var before = header.BaseIndex - 1;
        if (header.Reset)
        {
            if (before > floor) throw Corrupted(path, $"the segment restarts the log at entry {header.BaseIndex}, but the snapshot ends at {floor}: the snapshot it was written for is missing");
            log.Reset(floor + 1);
            Last = before;
            FloorTerm = null;
            if (before == floor) ResetSegment = sequence;
        }
        else if (firstSegment)
        {
            if (before > floor) throw Corrupted(path, $"the first segment starts at entry {header.BaseIndex}, but the snapshot ends at {floor}: entries {floor + 1} to {before} are missing");
            Last = before;
        }
        else if (before != Last)
        {
            var problem = before > Last ? "a gap in the log" : "the segments overlap";
            throw Corrupted(path, $"the segment was started after entry {before}, but the segments before it end at entry {Last}: {problem} (a segment was emptied, replaced or lost)");
        }
    }

    public void Entry(long index, long term, long position, string path, long offset)
    {
        if (index < 1 || index > Last + 1) throw new StorageCorruptedException(path, offset, $"entry {index} does not follow entry {Last} (a gap in the log)");
        Last = index;
        if (index <= floor)
        {
            // Compacted already; but a rewrite from here replaced what followed.
            if (!log.IsEmpty) log.Reset(floor + 1);
            FloorTerm = index == floor ? term : null;
            return;
        }
        log.TruncateFrom(index);
        log.Add(index, term, position);
    }

    public void HardStateRecord(HardState state, long sequence)
    {
        HardState = state;
        HardStateSegment = sequence;
    }

    /// <summary>Checks the replayed log against the snapshot, once every segment is replayed.</summary>
    public void Finish(string directory)
    {
        if (snapshot is null) return;
        if (installed && ResetSegment is null)
        {
            log.Reset(floor + 1);
            Last = floor;
            InstallUnfinished = true;
            return;
        }
        if (Last < floor) throw Corrupted(directory, $"the log ends at entry {Last} but the snapshot covers entries up to {floor}: entries are missing");
        if (FloorTerm is { } term && term != snapshot.Term)
        {
            throw Corrupted(directory, $"entry {floor} has term {term} in the log but term {snapshot.Term} in the snapshot");
        }
    }

    private static StorageCorruptedException Corrupted(string file, string problem) => new(file, 0, problem);
}
