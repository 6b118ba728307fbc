using HttpRaft.Consensus;

namespace HttpRaft.Storage;

/// <summary>
/// Storage that keeps the log in memory only: for tests and embedders that accept losing everything when the process
/// ends. The default is the durable <see cref="FileRaftStorage"/>. It follows the same rules, snapshots included.
/// </summary>
/// <remarks>
/// One lock guards everything: request threads read while the node loop writes. Nothing inside the lock does I/O,
/// so holding it is always short. (The core's <see cref="MemoryStorage"/> always starts at 1, hence a log of its own.)
/// </remarks>
public sealed class InMemoryRaftStorage : IRaftStorage
{
    private readonly SlidingList<Entry> entries = new();
    private readonly List<long> controlEntryIndexes = [];
    private readonly Lock gate = new();
    private HardState hardState = HardState.Empty;
    private Snapshot? snapshot;
    private long firstIndex = 1;

    public HardState HardState
    {
        get { lock (gate) return hardState; }
    }

    public long FirstIndex
    {
        get { lock (gate) return firstIndex; }
    }

    public long LastIndex
    {
        get { lock (gate) return Last; }
    }

    public Snapshot? Snapshot
    {
        get { lock (gate) return snapshot; }
    }

    /// <summary>No files: a retention policy by bytes or age has nothing to measure here.</summary>
    public IReadOnlyList<SegmentSummary> Segments() => [];

    public StorageStatistics Statistics
    {
        get
        {
            lock (gate)
            {
                return new StorageStatistics { FirstIndex = firstIndex, LastIndex = Last, SnapshotIndex = snapshot?.Index ?? 0 };
            }
        }
    }

    private long Last => firstIndex + entries.Count - 1;

    public long Term(long index)
    {
        lock (gate) return TermAt(index);
    }

    public IReadOnlyList<long> ControlEntryIndexes
    {
        get { lock (gate) return [.. controlEntryIndexes]; }
    }

    public IReadOnlyList<Entry> Entries(long low, long high, long maxBytes)
    {
        lock (gate)
        {
            if (low < firstIndex || high > Last + 1 || low > high) throw new ArgumentOutOfRangeException(nameof(low), $"[{low}, {high}) is outside [{firstIndex}, {Last + 1}).");
            return Copy(low, high, maxBytes);
        }
    }

    public IReadOnlyList<Entry> ReadRange(long low, long high)
    {
        lock (gate)
        {
            low = Math.Max(low, firstIndex);
            high = Math.Min(high, Last + 1);
            return low < high ? Copy(low, high, long.MaxValue) : [];
        }
    }

    public void Save(HardState? hardState, IReadOnlyList<Entry> entries, bool sync)
    {
        ArgumentNullException.ThrowIfNull(entries);
        // Memory needs no sync: the flag matters only to durable implementations.
        lock (gate)
        {
            Append(entries);
            if (hardState is { } state) this.hardState = state;
        }
    }

    public void Compact(Snapshot snapshot)
    {
        lock (gate)
        {
            SnapshotRules.CheckCompaction(snapshot, firstIndex, Last, TermAt);
            entries.RemoveFirst((int)(snapshot.Index + 1 - firstIndex));
            firstIndex = snapshot.Index + 1;
            this.snapshot = snapshot;
            controlEntryIndexes.RemoveAll(at => at <= snapshot.Index);
            if (hardState.Commit < snapshot.Index) hardState = hardState with { Commit = snapshot.Index };
        }
    }

    public void InstallSnapshot(Snapshot snapshot)
    {
        lock (gate)
        {
            SnapshotRules.CheckInstall(snapshot, hardState.Commit);
            entries.Clear();
            controlEntryIndexes.Clear();
            firstIndex = snapshot.Index + 1;
            this.snapshot = snapshot;
            hardState = hardState with { Commit = snapshot.Index };
        }
    }

    /// <summary>Appends, first discarding any stored entries at or after the first new index (a conflicting suffix).</summary>
    private void Append(IReadOnlyList<Entry> newEntries)
    {
        if (newEntries.Count == 0) return;
        var first = newEntries[0].Index;
        if (first < firstIndex) throw new ArgumentException($"Entry {first} is below the first index {firstIndex}: entries up to {firstIndex - 1} are in the snapshot.", nameof(newEntries));
        if (first > Last + 1) throw new ArgumentException($"Entry {first} would leave a gap after {Last}.", nameof(newEntries));
        entries.RemoveFrom((int)(first - firstIndex));
        controlEntryIndexes.RemoveAll(at => at >= first);
        foreach (var entry in newEntries)
        {
            entries.Add(entry);
            if (Entry.IsControl(entry.Kind)) controlEntryIndexes.Add(entry.Index);
        }
    }

    private Entry At(long index) => entries[(int)(index - firstIndex)];

    /// <summary>Term(<paramref name="index"/>) under the lock: the snapshot's for the entry before the first.</summary>
    private long TermAt(long index)
    {
        if (index == firstIndex - 1) return snapshot?.Term ?? 0;
        if (index < firstIndex || index > Last) throw new ArgumentOutOfRangeException(nameof(index), index, $"No entry at this index (the log holds {firstIndex}..{Last}).");
        return At(index).Term;
    }

    private List<Entry> Copy(long low, long high, long maxBytes)
    {
        var result = new List<Entry>((int)Math.Min(high - low, 1024));
        long bytes = 0;
        for (var i = low; i < high; i++)
        {
            var entry = At(i);
            bytes += entry.Size;
            if (result.Count > 0 && bytes > maxBytes) break;
            result.Add(entry);
        }
        return result;
    }
}
