using System.Text.Json.Serialization;
using HttpRaft.Consensus;

namespace HttpRaft.Api;

/// <summary>The answer to <c>POST /request</c>, the Go original's shape: success only once committed, and the leader's API address.</summary>
/// <param name="Success">True once the entry is committed.</param>
/// <param name="Leader">The leader's API address as written in <c>apis</c>; "" when no leader is known.</param>
/// <param name="Index">Where the entry was committed (only on success).</param>
/// <param name="Term">The term it was committed in (only on success).</param>
internal sealed record RequestResponse(
    bool Success,
    string Leader,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Term);

/// <summary>Where an appended entry, or batch of entries, was committed.</summary>
/// <param name="Index">Its log index (a batch's first); <c>GET /log/{index}</c> reads it back.</param>
/// <param name="Term">The term it was committed in.</param>
/// <param name="LastIndex">A batch's last index (only for a batch).</param>
internal sealed record AppendedEntry(
    long Index,
    long Term,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? LastIndex = null);

/// <summary>The body of a redirect to the leader.</summary>
/// <param name="Leader">The leader's API address as written in <c>apis</c>.</param>
internal sealed record LeaderHint(string Leader);

/// <summary>One committed client entry.</summary>
/// <param name="Index">Its log index.</param>
/// <param name="Term">The term it was appended in.</param>
/// <param name="Entry">Its text.</param>
internal sealed record LogEntry(long Index, long Term, string Entry)
{
    public static LogEntry From(Entry entry) => new(entry.Index, entry.Term, System.Text.Encoding.UTF8.GetString(entry.Data.Span));
}

/// <summary>A page of committed client entries.</summary>
/// <param name="Entries">Committed client entries from the requested index on, in index order (internal no-op entries are left out, so indexes may skip).</param>
/// <param name="CommitIndex">The highest index this node had committed and applied when the page was read: every committed entry up to it is visible here. (The contract's name; the node's applied index is what it reports.)</param>
/// <param name="Consistency">`local` or `linearizable`: what the page is guaranteed to reflect.</param>
/// <param name="ReadIndex">For a linearizable read, the commit index the leader confirmed; the page reflects at least this much.</param>
internal sealed record LogPageResponse(
    IReadOnlyList<LogEntry> Entries,
    long CommitIndex,
    string Consistency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ReadIndex = null)
{
    /// <summary>The first index the log holds: entries before it were deleted (retention or DELETE /log), and reading them gets 410.</summary>
    public long FirstIndex { get; init; } = 1;
}

/// <summary>The log after a deletion of its prefix.</summary>
/// <param name="FirstIndex">The first index the log holds now.</param>
/// <param name="LastIndex">The last index it holds.</param>
/// <param name="CommitIndex">The commit index.</param>
internal sealed record TruncateResponse(long FirstIndex, long LastIndex, long CommitIndex);

/// <summary>A node as <c>GET /status</c> names it.</summary>
/// <param name="Id">Its node id.</param>
/// <param name="Api">Its client API address as written in <c>apis</c>.</param>
internal sealed record NodeRef(int Id, string Api);

/// <summary>The leader's view of one follower's replication.</summary>
/// <param name="Id">The follower's node id.</param>
/// <param name="Api">Its client API address.</param>
/// <param name="MatchIndex">The highest index known to be replicated on it.</param>
/// <param name="NextIndex">The next index the leader will send it.</param>
/// <param name="RecentActive">Whether it answered within the current check-quorum window.</param>
internal sealed record PeerProgress(int Id, string Api, long MatchIndex, long NextIndex, bool RecentActive);

/// <summary>This node's state.</summary>
/// <param name="Id">This node's id.</param>
/// <param name="Role">Follower, PreCandidate, Candidate or Leader.</param>
/// <param name="Term">The current term.</param>
/// <param name="Leader">The leader it knows of, or null.</param>
/// <param name="CommitIndex">The highest index known committed.</param>
/// <param name="AppliedIndex">The highest index applied (readable through GET /log).</param>
/// <param name="LastIndex">The last index in this node's log.</param>
/// <param name="FirstIndex">The first index this node's log holds (1 until a cut deleted entries before it).</param>
/// <param name="Peers">On the leader, each follower's replication progress; null elsewhere.</param>
/// <param name="Storage">The write-ahead log's directory and size; absent when the node keeps its log in memory.</param>
internal sealed record StatusResponse(
    int Id,
    string Role,
    long Term,
    NodeRef? Leader,
    long CommitIndex,
    long AppliedIndex,
    long LastIndex,
    long FirstIndex,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PeerProgress>? Peers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StorageStatus? Storage = null);

/// <summary>The write-ahead log on this node.</summary>
/// <param name="DataDir">The data directory, as a full path.</param>
/// <param name="Fsync">The fsync policy: Always or Never.</param>
/// <param name="Segments">How many segment files the log spans.</param>
/// <param name="Bytes">Bytes held by the segment files and the snapshot.</param>
/// <param name="FirstIndex">The first entry the log holds (1 until it is compacted).</param>
/// <param name="SnapshotIndex">The last entry the snapshot covers; 0 without one.</param>
/// <param name="OpenFiles">Segment files open right now (bounded: the current one and a few cached readers).</param>
internal sealed record StorageStatus(string DataDir, string Fsync, int Segments, long Bytes, long FirstIndex, long SnapshotIndex, int OpenFiles);

/// <summary>A health probe's answer.</summary>
/// <param name="Status">Healthy or Unhealthy.</param>
/// <param name="Description">Why, in words.</param>
internal sealed record HealthResponse(string Status, string? Description);
