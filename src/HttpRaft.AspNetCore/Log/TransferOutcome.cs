namespace HttpRaft.AspNetCore;

/// <summary>How a request to hand leadership over ended.</summary>
public enum TransferStatus
{
    /// <summary>The target leads now.</summary>
    Transferred,
    /// <summary>This node does not lead; <see cref="TransferOutcome.LeaderId"/> names the leader if known.</summary>
    NotLeader,
    /// <summary>The target already leads: it is this node.</summary>
    AlreadyLeader,
    /// <summary>The target is no voting member (unknown, or a learner), or there is no other voter to hand over to.</summary>
    InvalidTarget,
    /// <summary>Leadership did not move to the target within an election timeout; this node leads again, or another node won.</summary>
    TimedOut,
    /// <summary>The node is shutting down.</summary>
    Stopped,
}

/// <summary>
/// The answer to <see cref="IRaftLog.TransferLeadershipAsync"/>: what happened, and the leader as this node knows it
/// afterwards (<see cref="LeaderApi"/> is its client address as configured).
/// </summary>
public sealed record TransferOutcome(TransferStatus Status, int LeaderId, string? LeaderApi = null);
