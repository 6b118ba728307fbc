namespace HttpRaft.Client;

/// <summary>A page of committed entries, as <c>GET /log</c> answers.</summary>
/// <param name="Entries">Entries from the requested index on, in index order; empty when none is committed there yet.</param>
/// <param name="CommitIndex">The answering member's commit index when it read the page.</param>
/// <param name="FirstIndex">The first index the log still holds (entries below it were deleted by retention); null from a server that does not say.</param>
/// <param name="Consistency">What the page is guaranteed to reflect.</param>
/// <param name="ReadIndex">For a linearizable read, the commit index the leader confirmed; the page reflects at least this much.</param>
public sealed record LogPage(IReadOnlyList<LogEntry> Entries, long CommitIndex, long? FirstIndex, ReadConsistency Consistency, long? ReadIndex)
{
    /// <summary>The index to read the next page from: one past the last entry, or null when the page is empty.</summary>
    public long? NextIndex => Entries.Count > 0 ? Entries[^1].Index + 1 : null;
}
