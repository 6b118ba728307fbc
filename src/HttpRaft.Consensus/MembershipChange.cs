namespace HttpRaft.Consensus;

/// <summary>One change to the cluster's membership; a leader makes one at a time (dissertation §4.1).</summary>
public abstract record MembershipChange
{
    /// <summary>Adds a learner at <paramref name="Address"/> with the next unused id; with <paramref name="PromoteWhenCaughtUp"/> a leader makes it a voter once it has caught up.</summary>
    public sealed record AddLearner(string Address, bool PromoteWhenCaughtUp) : MembershipChange;

    /// <summary>Makes learner <paramref name="Id"/> a voter; refused until it has caught up.</summary>
    public sealed record Promote(int Id) : MembershipChange;

    /// <summary>Removes member <paramref name="Id"/>; its id is never used again.</summary>
    public sealed record Remove(int Id) : MembershipChange;
}

/// <summary>Why a membership change was not appended.</summary>
public enum ChangeRejection
{
    None,
    /// <summary>This node does not lead; <see cref="ChangeResult.LeaderId"/> names the leader if known.</summary>
    NotLeader,
    /// <summary>
    /// Another change is not committed yet, the leader has not yet committed an entry of its own term (the guard
    /// against the single-server change bug, Ongaro, raft-dev 2015), or leadership is being transferred. Retry shortly.
    /// </summary>
    Pending,
    /// <summary>No member has that id.</summary>
    UnknownMember,
    /// <summary>The member to promote is already a voter.</summary>
    NotALearner,
    /// <summary>The learner to promote has not caught up with the leader yet.</summary>
    NotCaughtUp,
    /// <summary>The leader cannot remove itself: transfer leadership first, then the new leader removes it.</summary>
    RemovesLeader,
}

/// <summary>
/// The answer to <see cref="RaftNode.ProposeChange"/>: where the configuration entry was appended (it takes effect at
/// once, and is committed once the commit index reaches <see cref="Index"/> with <see cref="Term"/> still there), the
/// member it added or changed, and the new configuration; or why it was refused.
/// </summary>
public sealed record ChangeResult(ChangeRejection Rejection, long Index, long Term, int LeaderId, ClusterMember? Member = null, Configuration? Configuration = null)
{
    public bool Accepted => Rejection == ChangeRejection.None;

    internal static ChangeResult Refused(ChangeRejection why, long term, int leaderId) => new(why, 0, term, leaderId);
}
