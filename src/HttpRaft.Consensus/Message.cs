namespace HttpRaft.Consensus;

/// <summary>A message between two nodes of the cluster. Every message carries the sender's term (§5.1).</summary>
public abstract record Message(int From, int To, long Term);

/// <summary>RequestVote (§5.2), or a pre-vote probe (dissertation §9.6) that changes no state on the receiver.</summary>
/// <remarks>
/// For a pre-vote, <see cref="Message.Term"/> is the term the sender would campaign in, not its current term.
/// <see cref="Transfer"/> marks a campaign the leader asked for (<see cref="TimeoutNow"/>): voters grant it even while
/// their leader lease holds, since the leader itself is handing over (dissertation §3.10).
/// </remarks>
public sealed record VoteRequest(int From, int To, long Term, bool PreVote, long LastLogIndex, long LastLogTerm, bool Transfer = false)
    : Message(From, To, Term);

/// <summary>The answer to a <see cref="VoteRequest"/>; a granted pre-vote echoes the proposed term.</summary>
public sealed record VoteResponse(int From, int To, long Term, bool PreVote, bool Granted)
    : Message(From, To, Term);

/// <summary>AppendEntries (§5.3): entries that follow (PrevLogIndex, PrevLogTerm), and the leader's commit index.</summary>
public sealed record AppendRequest(
    int From, int To, long Term, long PrevLogIndex, long PrevLogTerm, IReadOnlyList<Entry> Entries, long LeaderCommit)
    : Message(From, To, Term);

/// <summary>
/// The answer to an <see cref="AppendRequest"/>. On success <see cref="Index"/> is the follower's new match index.
/// On rejection <see cref="Index"/> is the rejected PrevLogIndex, and (ConflictIndex, ConflictTerm) is the
/// follower's hint: the last index at or below PrevLogIndex whose term is at most PrevLogTerm, so the leader
/// can skip a whole term of mismatching entries in one round trip (§5.3, "fast back-tracking").
/// </summary>
public sealed record AppendResponse(
    int From, int To, long Term, bool Success, long Index, long ConflictIndex, long ConflictTerm)
    : Message(From, To, Term);

/// <summary>
/// A leader's heartbeat: keeps followers from campaigning, carries a commit index the follower is known to
/// have reached, and a read round that a follower echoes to confirm leadership for ReadIndex (dissertation §6.4).
/// </summary>
public sealed record Heartbeat(int From, int To, long Term, long Commit, long ReadRound) : Message(From, To, Term);

/// <summary>The answer to a <see cref="Heartbeat"/>, echoing its read round.</summary>
public sealed record HeartbeatResponse(int From, int To, long Term, long ReadRound) : Message(From, To, Term);

/// <summary>A follower asking the leader for a read index on behalf of one of its clients (dissertation §6.4).</summary>
public sealed record ReadIndexRequest(int From, int To, long Term, long RequestId) : Message(From, To, Term);

/// <summary>The leader's answer to a <see cref="ReadIndexRequest"/>: the index to wait for, or a refusal.</summary>
public sealed record ReadIndexResponse(int From, int To, long Term, long RequestId, bool Success, long Index)
    : Message(From, To, Term);

/// <summary>
/// A leader handing over leadership (dissertation §3.10): the receiver, whose log the leader has brought fully up to
/// date, starts an election at once, skipping pre-vote, and its vote requests are marked as a transfer.
/// </summary>
public sealed record TimeoutNow(int From, int To, long Term) : Message(From, To, Term);

/// <summary>
/// One piece of a snapshot for a follower whose next entries the leader no longer holds (Raft §7, InstallSnapshot).
/// The follower assembles the pieces in order and acknowledges how many bytes it holds, so a lost piece is sent again.
/// </summary>
public sealed record SnapshotChunk(int From, int To, long Term, long SnapshotIndex, long SnapshotTerm, long Offset, long TotalBytes, ReadOnlyMemory<byte> Data)
    : Message(From, To, Term);

/// <summary>The answer to a <see cref="SnapshotChunk"/>: how many bytes of the snapshot at <see cref="SnapshotIndex"/> the follower holds.</summary>
public sealed record SnapshotChunkResponse(int From, int To, long Term, long SnapshotIndex, long Received) : Message(From, To, Term);
