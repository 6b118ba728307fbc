namespace HttpRaft.Consensus;

/// <summary>The state a node must persist before it answers any message (§3.8 of the dissertation): term, vote and commit index.</summary>
/// <remarks>
/// Term and vote must be durable before a vote is granted or a message of the new term is sent, or a
/// restarted node could vote twice in one term. The commit index is recoverable, so persisting it lazily is safe.
/// </remarks>
public readonly record struct HardState(long Term, int VotedFor, long Commit)
{
    public static HardState Empty { get; } = new(0, RaftNode.None, 0);
}
