using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore;

/// <summary>
/// A page of committed client entries (no-ops left out) and the applied index it was read at: the highest index this
/// node has applied, so every entry up to it is readable here (the commit index may run a batch ahead of it).
/// </summary>
public sealed record LogPage(IReadOnlyList<Entry> Entries, long AppliedIndex)
{
    /// <summary>The first index the log held once the page was read: a page asked for from before it is incomplete (the prefix was cut).</summary>
    public long FirstIndex { get; init; } = 1;
}
