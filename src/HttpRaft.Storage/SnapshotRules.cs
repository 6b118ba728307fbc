using HttpRaft.Consensus;
namespace HttpRaft.Storage;

/// <summary>What <see cref="IRaftStorage.Compact"/> and <see cref="IRaftStorage.InstallSnapshot"/> accept, the same for every storage.</summary>
internal static class SnapshotRules
{
    /// <summary>
    /// A compaction keeps what follows the snapshot, so its index must be held (or be the current snapshot's, to
    /// replace its data), and the term must be the log's there.
    /// </summary>
    public static void CheckCompaction(Snapshot snapshot, long firstIndex, long lastIndex, Func<long, long> termAt)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfLessThan(snapshot.Index, 1, nameof(snapshot));
        if (snapshot.Index < firstIndex - 1) throw new ArgumentException($"The snapshot at {snapshot.Index} is older than the one held (at {firstIndex - 1}).", nameof(snapshot));
        if (snapshot.Index > lastIndex) throw new ArgumentOutOfRangeException(nameof(snapshot), snapshot.Index, $"The log ends at {lastIndex}; compaction keeps what follows the snapshot, so it cannot pass the last entry.");
        var term = termAt(snapshot.Index);
        if (term != snapshot.Term) throw new ArgumentException($"Entry {snapshot.Index} has term {term}, not the snapshot's {snapshot.Term}.", nameof(snapshot));
    }

    /// <summary>An install discards every entry, so it must not reach back below the commit index.</summary>
    public static void CheckInstall(Snapshot snapshot, long commit)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfLessThan(snapshot.Index, 1, nameof(snapshot));
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.Term, nameof(snapshot));
        if (snapshot.Index < commit)
        {
            throw new ArgumentException($"Installing a snapshot at {snapshot.Index} would discard committed entries (the commit index is {commit}).", nameof(snapshot));
        }
    }
}
