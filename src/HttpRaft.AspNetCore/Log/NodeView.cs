using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore;

/// <summary>
/// What the node loop last published about itself, for request threads that must not wait on the loop:
/// role, term, leader, and how far the log is committed and applied. Replaced whole, never torn.
/// </summary>
public sealed record NodeView(int NodeId, Role Role, long Term, int LeaderId, long CommitIndex, long AppliedIndex, long LastIndex)
{
    public bool IsLeader => Role == Role.Leader;

    public bool LeaderKnown => LeaderId != RaftNode.None;
}
