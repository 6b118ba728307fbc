namespace HttpRaft.Consensus;

/// <summary>
/// Entries appended in memory that the host has not yet confirmed durable. They start at
/// <see cref="Offset"/>, which may be at or below storage's last index when a conflicting suffix is
/// being replaced: the host truncates storage from the first entry it is handed.
/// </summary>
internal sealed class UnstableLog(long offset)
{
    /// <summary>
    /// Capacity kept however few entries are unstable: a busy leader's batches between two saves fit in it. Beyond it
    /// the list gives memory back once it is three quarters empty, so a burst (a follower catching up can take half a
    /// million entries into one batch) does not leave its peak allocated for good, as it did.
    /// </summary>
    internal const int RetainedCapacity = 4096;

    private readonly List<Entry> entries = [];

    /// <summary>The list's capacity now, for tests.</summary>
    internal int Capacity => entries.Capacity;

    public long Offset { get; private set; } = offset;

    /// <summary>A snapshot received from the leader and not yet durable: the log now starts after it.</summary>
    public Snapshot? Snapshot { get; private set; }

    /// <summary>Replaces everything with <paramref name="snapshot"/>: the log goes on at its index + 1.</summary>
    public void Restore(Snapshot snapshot)
    {
        Snapshot = snapshot;
        Offset = snapshot.Index + 1;
        entries.Clear();
        ShrinkIfSparse();
    }

    /// <summary>The snapshot is durable now; storage answers for it.</summary>
    public void SnapshotStable(Snapshot snapshot)
    {
        if (ReferenceEquals(Snapshot, snapshot)) Snapshot = null;
    }

    public IReadOnlyList<Entry> Entries => entries;

    public long? LastIndex => entries.Count == 0 ? null : Offset + entries.Count - 1;

    public long? Term(long index) =>
        index >= Offset && index < Offset + entries.Count ? entries[(int)(index - Offset)].Term : null;

    public IEnumerable<Entry> Slice(long low, long high)
    {
        for (var i = low; i < high; i++) yield return entries[(int)(i - Offset)];
    }

    public void TruncateAndAppend(IReadOnlyList<Entry> newEntries)
    {
        var first = newEntries[0].Index;
        if (first == Offset + entries.Count)
        {
            entries.AddRange(newEntries);
        }
        else if (first <= Offset)
        {
            // The new entries replace everything unstable and part of storage.
            Offset = first;
            entries.Clear();
            entries.AddRange(newEntries);
        }
        else
        {
            entries.RemoveRange((int)(first - Offset), entries.Count - (int)(first - Offset));
            entries.AddRange(newEntries);
        }
    }

    /// <summary>Drops entries up to <paramref name="index"/> once durable, unless they have since been replaced.</summary>
    public void StableTo(long index, long term)
    {
        if (Term(index) != term) return;
        var count = (int)(index - Offset + 1);
        entries.RemoveRange(0, count);
        Offset = index + 1;
        ShrinkIfSparse();
    }

    private void ShrinkIfSparse()
    {
        if (entries.Capacity > RetainedCapacity && entries.Count < entries.Capacity / 4)
        {
            entries.Capacity = Math.Max(RetainedCapacity, entries.Count * 2);
        }
    }
}
