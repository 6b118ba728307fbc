namespace HttpRaft.Consensus;

/// <summary>
/// Storage held in memory: what the deterministic simulation treats as "persisted", and a stand-in for
/// hosts that accept losing the log on restart. Writes follow the same contract as durable storage.
/// </summary>
public sealed class MemoryStorage : IRaftLogStorage
{
    private readonly List<Entry> entries = [];
    private readonly List<long> configurationIndexes = [];

    public HardState HardState { get; private set; } = HardState.Empty;

    public long FirstIndex => 1;

    public long LastIndex => entries.Count;

    public IReadOnlyList<long> ConfigurationIndexes => configurationIndexes;

    public long Term(long index)
    {
        if (index == 0) return 0;
        if (index < 0 || index > entries.Count) throw new ArgumentOutOfRangeException(nameof(index), index, "No entry at this index.");
        return entries[(int)(index - 1)].Term;
    }

    public IReadOnlyList<Entry> Entries(long low, long high, long maxBytes)
    {
        if (low < 1 || high > entries.Count + 1 || low > high) throw new ArgumentOutOfRangeException(nameof(low), $"[{low}, {high}) is outside [1, {entries.Count + 1}).");
        var result = new List<Entry>();
        long bytes = 0;
        for (var i = low; i < high; i++)
        {
            var entry = entries[(int)(i - 1)];
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
        if (first < 1 || first > entries.Count + 1) throw new ArgumentException($"Entry {first} would leave a gap after {entries.Count}.", nameof(newEntries));
        entries.RemoveRange((int)(first - 1), entries.Count - (int)(first - 1));
        configurationIndexes.RemoveAll(index => index >= first);
        entries.AddRange(newEntries);
        foreach (var entry in newEntries)
        {
            if (entry.Kind == EntryKind.Configuration) configurationIndexes.Add(entry.Index);
        }
    }
}
