using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore;

/// <summary>How a membership change ended.</summary>
public enum ChangeStatus
{
    /// <summary>Committed: the new configuration is durable on a majority of the voters.</summary>
    Committed,
    /// <summary>This node does not lead; <see cref="ChangeOutcome.LeaderId"/> names the leader if known.</summary>
    NotLeader,
    /// <summary>Another change is not committed yet, the leader's term has no committed entry yet, or a transfer runs: retry shortly.</summary>
    Pending,
    /// <summary>No member has that id.</summary>
    UnknownMember,
    /// <summary>The member to promote is already a voter.</summary>
    NotALearner,
    /// <summary>The learner to promote has not caught up yet.</summary>
    NotCaughtUp,
    /// <summary>The change removes the leader: hand leadership over first.</summary>
    RemovesLeader,
    /// <summary>Appended, then replaced by another leader's entry: not made; safe to retry.</summary>
    Overwritten,
    /// <summary>Appended, but not committed within the commit timeout (or the leadership was lost meanwhile); it may still commit.</summary>
    TimedOut,
    /// <summary>The node is shutting down.</summary>
    Stopped,
}

/// <summary>
/// The answer to <see cref="IRaftLog.ChangeMembershipAsync"/>: what happened, the member the change added or changed,
/// the membership once it committed, and the leader this node knows (<see cref="LeaderApi"/> as configured).
/// </summary>
public sealed record ChangeOutcome(ChangeStatus Status, ClusterMember? Member, Membership? Membership, int LeaderId, string? LeaderApi = null);
