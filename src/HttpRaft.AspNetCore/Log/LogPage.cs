using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore;

/// <summary>A page of committed client entries (no-ops left out) and the commit index they were read at.</summary>
public sealed record LogPage(IReadOnlyList<Entry> Entries, long CommitIndex);
