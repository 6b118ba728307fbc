namespace HttpRaft.AspNetCore;

/// <summary>How a request to delete the log's prefix ended.</summary>
public enum TruncateStatus
{
    /// <summary>Every entry before the index asked for is deleted here (and the cut is in the log for every node).</summary>
    Truncated,
    /// <summary>This node does not lead; <see cref="TruncateOutcome.LeaderId"/> names the leader if known.</summary>
    NotLeader,
    /// <summary>The index is beyond the commit index: only committed entries can be deleted.</summary>
    NotCommitted,
    /// <summary>The cut did not finish within the commit timeout (it may still); asking again is safe.</summary>
    TimedOut,
    /// <summary>The node is shutting down.</summary>
    Stopped,
}

/// <summary>
/// The answer to <see cref="IRaftLog.TruncateAsync"/>: what happened, this node's first and last index afterwards, its
/// commit index, and the leader as this node knows it (<see cref="LeaderApi"/> is its client address).
/// </summary>
public sealed record TruncateOutcome(TruncateStatus Status, long FirstIndex, long LastIndex, long CommitIndex, int LeaderId, string? LeaderApi = null);
