namespace HttpRaft.Consensus;

/// <summary>
/// Storage held in memory: what the deterministic simulation treats as "persisted", and a stand-in for
/// hosts that accept losing the log on restart. Writes follow the same contract as durable storage, snapshots included.
/// </summary>
public sealed class MemoryStorage : IRaftLogStorage
{
    // entries[0] is the entry at FirstIndex.
    private readonly List<Entry> entries = [];
    private readonly List<long> controlEntryIndexes = [];

    public HardState HardState { get; private set; } = HardState.Empty;

    public Snapshot? Snapshot { get; private set; }

    public long FirstIndex => (Snapshot?.Index ?? 0) + 1;

    public long LastIndex => FirstIndex + entries.Count - 1;

    public IReadOnlyList<long> ControlEntryIndexes => controlEntryIndexes;

    public long Term(long index)
    {
        if (index == 0) return 0;
        if (Snapshot is { } snapshot && index == snapshot.Index) return snapshot.Term;
        if (index < FirstIndex || index > LastIndex) throw new ArgumentOutOfRangeException(nameof(index), index, $"No entry at this index (the log holds {FirstIndex}..{LastIndex}).");
        return entries[(int)(index - FirstIndex)].Term;
    }

    public IReadOnlyList<Entry> Entries(long low, long high, long maxBytes)
    {
        if (low < FirstIndex || high > LastIndex + 1 || low > high) throw new ArgumentOutOfRangeException(nameof(low), $"[{low}, {high}) is outside [{FirstIndex}, {LastIndex + 1}).");
        var result = new List<Entry>();
        long bytes = 0;
        for (var i = low; i < high; i++)
        {
            var entry = entries[(int)(i - FirstIndex)];
            bytes += entry.Size;
            if (result.Count > 0 && bytes > maxBytes) break;
            result.Add(entry);
        }
        return result;
    }

    public void SetHardState(HardState state) => HardState = state;

    /// <summary>Appends entries, first discarding any stored entries at or after the first new index (a conflicting suffix).</summary>
    public void Append(IReadOnlyList<Entry> newEntries)
    {
        if (newEntries.Count == 0) return;
        var first = newEntries[0].Index;
        if (first < FirstIndex || first > LastIndex + 1) throw new ArgumentException($"Entry {first} is outside [{FirstIndex}, {LastIndex + 1}].", nameof(newEntries));
        entries.RemoveRange((int)(first - FirstIndex), entries.Count - (int)(first - FirstIndex));
        controlEntryIndexes.RemoveAll(index => index >= first);
        entries.AddRange(newEntries);
        foreach (var entry in newEntries)
        {
            if (Entry.IsControl(entry.Kind)) controlEntryIndexes.Add(entry.Index);
        }
    }

    /// <summary>Drops the entries up to <paramref name="snapshot"/>'s index, which must be held with its term; keeps those after.</summary>
    public void Compact(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Index < FirstIndex - 1 || snapshot.Index > LastIndex || Term(snapshot.Index) != snapshot.Term)
        {
            throw new ArgumentException($"Snapshot {snapshot.Index} (term {snapshot.Term}) is not an entry of [{FirstIndex}, {LastIndex}].", nameof(snapshot));
        }
        entries.RemoveRange(0, (int)(snapshot.Index + 1 - FirstIndex));
        controlEntryIndexes.RemoveAll(index => index <= snapshot.Index);
        Snapshot = snapshot;
    }

    /// <summary>Replaces the whole log with <paramref name="snapshot"/>: the next entry appended must be its index + 1.</summary>
    public void InstallSnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        entries.Clear();
        controlEntryIndexes.Clear();
        Snapshot = snapshot;
        if (HardState.Commit < snapshot.Index) HardState = HardState with { Commit = snapshot.Index };
    }
}
