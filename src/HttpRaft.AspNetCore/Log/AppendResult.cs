namespace HttpRaft.AspNetCore;

/// <summary>How an append ended, and so whether a client may safely retry it elsewhere.</summary>
public enum AppendOutcome
{
    /// <summary>Committed: durable on a majority, at the returned index and term.</summary>
    Committed,
    /// <summary>Refused: this node does not lead. Nothing was appended; retry at the leader.</summary>
    NotLeader,
    /// <summary>Appended, then replaced by a different leader's entry: certainly not committed; safe to retry.</summary>
    Overwritten,
    /// <summary>Appended, then this node stopped leading: it may or may not commit under the next leader.</summary>
    LeadershipLost,
    /// <summary>Refused: too much is waiting (uncommitted bytes or a full inbox). Nothing was appended.</summary>
    Overloaded,
    /// <summary>Appended, but not committed within the commit timeout; it may still commit.</summary>
    TimedOut,
    /// <summary>The node is shutting down; the entry may or may not commit.</summary>
    Stopped,
    /// <summary>Refused: an entry is larger than <see cref="RaftHostOptions.MaxEntryBytes"/>. Nothing was appended; do not retry.</summary>
    TooLarge,
    /// <summary>Refused: the idempotency key was already used for different entries. Nothing was appended; do not retry.</summary>
    KeyConflict,
    /// <summary>Refused: this node was removed from the cluster. Nothing was appended; append at a member.</summary>
    Removed,
}

/// <summary>
/// The answer to <see cref="IRaftLog.AppendAsync(IReadOnlyList{ReadOnlyMemory{byte}}, string?, CancellationToken)"/>: the index range and term the entries were committed at,
/// or why not, with the leader this node knows of (<see cref="LeaderApi"/> is its client address as configured).
/// </summary>
public sealed record AppendResult(AppendOutcome Outcome, long FirstIndex, long LastIndex, long Term, int LeaderId, string? LeaderApi = null)
{
    public bool Committed => Outcome == AppendOutcome.Committed;

    /// <summary>True when this is the answer to an earlier append with the same idempotency key, not a new append.</summary>
    public bool Replayed { get; init; }

    internal static AppendResult Failed(AppendOutcome outcome, int leaderId, long term = 0) => new(outcome, 0, 0, term, leaderId);
}
