using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore;

/// <summary>
/// What the node loop last published about itself, for request threads that must not wait on the loop:
/// role, term, leader, how far the log is committed and applied, and the membership. Replaced whole, never torn.
/// </summary>
public sealed record NodeView(int NodeId, Role Role, long Term, int LeaderId, long CommitIndex, long AppliedIndex, long LastIndex)
{
    /// <summary>The first entry this node's log holds: 1 until a cut or a snapshot deleted the entries before it.</summary>
    public long FirstIndex { get; init; } = 1;

    /// <summary>The membership in force on this node.</summary>
    public required Membership Membership { get; init; }

    /// <summary>True when the log says this node was removed from the cluster, or a peer told it so.</summary>
    public bool Removed { get; init; }

    public bool IsLeader => Role == Role.Leader;

    public bool LeaderKnown => LeaderId != RaftNode.None;
}
