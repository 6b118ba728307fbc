namespace HttpRaft.Consensus;

/// <summary>
/// A node's view of its log: durable entries in storage followed by unstable ones in memory, the commit and
/// applied indexes, and the configurations the log holds. Invariant: applied ≤ committed ≤ last index.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftLogStorage storage;
    private readonly UnstableLog unstable;
    private Configuration baseConfiguration;
    private long baseConfigurationIndex;
    // The configuration entries in the log, in index order: the last is in force (dissertation §4.1), and when a
    // conflicting suffix is replaced the one before it is in force again.
    private readonly List<(long Index, Configuration Configuration)> configurations = [];

    public RaftLog(IRaftLogStorage storage, long applied, Configuration bootstrap)
    {
        this.storage = storage;
        unstable = new UnstableLog(storage.LastIndex + 1);
        var snapshotIndex = storage.Snapshot?.Index ?? 0;
        Committed = Math.Max(snapshotIndex, Math.Min(storage.HardState.Commit, storage.LastIndex));
        Applied = Math.Max(snapshotIndex, Math.Min(applied, Committed));
        // The membership at the snapshot, once the prefix that held its configuration entries is gone.
        (baseConfiguration, baseConfigurationIndex) = storage.Snapshot is { } snapshot ? (snapshot.Configuration, snapshot.Index) : (bootstrap, 0);
        foreach (var index in storage.ControlEntryIndexes)
        {
            var entry = storage.Entries(index, index + 1, long.MaxValue)[0];
            if (entry.Kind == EntryKind.Configuration) configurations.Add((index, Decode(entry)));
        }
    }

    /// <summary>The snapshot the log starts after, durable or just received; null while the log starts at 1.</summary>
    public Snapshot? Snapshot => unstable.Snapshot ?? storage.Snapshot;

    /// <summary>A snapshot received from the leader that the host must still make durable (and restore its state from).</summary>
    public Snapshot? UnstableSnapshot => unstable.Snapshot;

    /// <summary>The configuration in force: the latest in the log, committed or not, or the snapshot's (or bootstrap) one if the log holds none.</summary>
    public Configuration Configuration => configurations.Count > 0 ? configurations[^1].Configuration : baseConfiguration;

    /// <summary>The index of the entry that set <see cref="Configuration"/>: the snapshot's index for a snapshot's, 0 for the bootstrap configuration.</summary>
    public long ConfigurationIndex => configurations.Count > 0 ? configurations[^1].Index : baseConfigurationIndex;

    /// <summary>True when the membership is replicated (in a configuration entry or a snapshot), no longer the bootstrap one.</summary>
    public bool HasConfigurationEntry => configurations.Count > 0 || baseConfigurationIndex > 0;

    /// <summary>The configuration in force at <paramref name="index"/>: what a snapshot taken there records.</summary>
    public Configuration ConfigurationAt(long index)
    {
        for (var i = configurations.Count - 1; i >= 0; i--)
        {
            if (configurations[i].Index <= index) return configurations[i].Configuration;
        }
        return baseConfiguration;
    }

    public long Committed { get; private set; }

    public long Applied { get; private set; }

    public long FirstIndex => unstable.Snapshot is { } pending ? pending.Index + 1 : storage.FirstIndex;

    public long LastIndex => unstable.LastIndex ?? (unstable.Snapshot is { } pending ? pending.Index : storage.LastIndex);

    public long LastTerm => Term(LastIndex);

    /// <summary>The last index that storage holds and that unstable entries have not replaced.</summary>
    public long StableLastIndex => unstable.Snapshot is null ? Math.Min(storage.LastIndex, unstable.Offset - 1) : 0;

    public IReadOnlyList<Entry> UnstableEntries => unstable.Entries;

    public bool HasUnappliedCommits => Committed > Applied;

    /// <summary>The term at <paramref name="index"/>, or 0 when the log has no entry there.</summary>
    public long Term(long index)
    {
        if (index == 0 || index > LastIndex || index < FirstIndex - 1) return 0;
        if (unstable.Snapshot is { } pending && index == pending.Index) return pending.Term;
        return unstable.Term(index) ?? storage.Term(index);
    }

    /// <summary>
    /// Raft Figure 13, rules 6 and 8: the log is replaced by <paramref name="snapshot"/>, whose state the host restores;
    /// everything up to its index counts as committed and applied.
    /// </summary>
    public void Restore(Snapshot snapshot)
    {
        unstable.Restore(snapshot);
        configurations.Clear();
        (baseConfiguration, baseConfigurationIndex) = (snapshot.Configuration, snapshot.Index);
        Committed = snapshot.Index;
        Applied = snapshot.Index;
    }

    /// <summary>The host made <paramref name="snapshot"/> durable.</summary>
    public void SnapshotStable(Snapshot snapshot) => unstable.SnapshotStable(snapshot);

    public bool MatchTerm(long index, long term) => index <= LastIndex && Term(index) == term && (index == 0 || term != 0);

    /// <summary>§5.4.1: a candidate's log is at least as up-to-date as ours if its last term is higher, or equal with an index at least as long.</summary>
    public bool IsUpToDate(long lastIndex, long lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    public void Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        if (entries[0].Index <= Committed)
        {
            throw new InvalidOperationException($"Safety violation: entry {entries[0].Index} would overwrite committed index {Committed}.");
        }
        unstable.TruncateAndAppend(entries);
        TrackConfigurations(entries);
    }

    private void TrackConfigurations(IReadOnlyList<Entry> entries)
    {
        var first = entries[0].Index;
        while (configurations.Count > 0 && configurations[^1].Index >= first) configurations.RemoveAt(configurations.Count - 1);
        foreach (var entry in entries)
        {
            if (entry.Kind == EntryKind.Configuration) configurations.Add((entry.Index, Decode(entry)));
        }
    }

    private static Configuration Decode(Entry entry) =>
        Configuration.TryDecode(entry.Data.Span, out var problem) ?? throw new InvalidOperationException($"Configuration entry {entry.Index} does not decode: {problem}.");

    /// <summary>
    /// Appends the entries that follow (prevIndex, prevTerm) once that position matches, skipping any already
    /// present with the same term and replacing the first conflicting one and all after it (§5.3).
    /// Returns the last index the request vouches for, or null when the position does not match.
    /// </summary>
    public long? TryAppend(long prevIndex, long prevTerm, IReadOnlyList<Entry> entries)
    {
        if (!MatchTerm(prevIndex, prevTerm)) return null;
        var lastNew = prevIndex + entries.Count;
        var conflict = FindConflict(entries);
        if (conflict != 0) Append(Suffix(entries, (int)(conflict - prevIndex - 1)));
        return lastNew;
    }

    /// <summary>
    /// The largest index at or below <paramref name="index"/> whose term is at most <paramref name="term"/>,
    /// with that term: the fast back-tracking hint. Any index above it cannot match a log whose entry at
    /// <paramref name="index"/> has <paramref name="term"/>.
    /// </summary>
    public (long Index, long Term) FindConflictByTerm(long index, long term)
    {
        index = Math.Min(index, LastIndex);
        while (index >= FirstIndex)
        {
            var t = Term(index);
            if (t <= term) return (index, t);
            index--;
        }
        return (index, Term(index));
    }

    public void CommitTo(long index)
    {
        if (index <= Committed) return;
        if (index > LastIndex) throw new InvalidOperationException($"Commit index {index} is beyond the last index {LastIndex}.");
        Committed = index;
    }

    public void AppliedTo(long index)
    {
        if (index > Committed || index < Applied) throw new InvalidOperationException($"Applied index {index} is outside [{Applied}, {Committed}].");
        Applied = index;
    }

    public void StableTo(long index, long term) => unstable.StableTo(index, term);

    /// <summary>Entries from <paramref name="low"/> to the end of the log, up to about <paramref name="maxBytes"/> (at least one if any).</summary>
    public IReadOnlyList<Entry> EntriesFrom(long low, long maxBytes) => Slice(low, LastIndex + 1, maxBytes);

    /// <summary>Committed entries not yet applied, up to about <paramref name="maxBytes"/>.</summary>
    public IReadOnlyList<Entry> NextCommitted(long maxBytes) => Slice(Applied + 1, Committed + 1, maxBytes);

    private List<Entry> Slice(long low, long high, long maxBytes)
    {
        if (low >= high) return [];
        var result = new List<Entry>();
        var stableHigh = Math.Min(high, unstable.Offset);
        if (low < stableHigh) result.AddRange(storage.Entries(low, stableHigh, maxBytes));
        if (result.Count > 0 && result[^1].Index < stableHigh - 1) return result;
        long bytes = result.Sum(e => e.Size);
        foreach (var entry in unstable.Slice(Math.Max(low, unstable.Offset), high))
        {
            bytes += entry.Size;
            if (result.Count > 0 && bytes > maxBytes) break;
            result.Add(entry);
        }
        return result;
    }

    private long FindConflict(IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (!MatchTerm(entry.Index, entry.Term)) return entry.Index;
        }
        return 0;
    }

    private static Entry[] Suffix(IReadOnlyList<Entry> entries, int from)
    {
        var result = new Entry[entries.Count - from];
        for (var i = 0; i < result.Length; i++) result[i] = entries[from + i];
        return result;
    }
}
