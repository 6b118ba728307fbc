namespace HttpRaft.Consensus;

/// <summary>The part a node plays in its current term.</summary>
public enum Role
{
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

/// <summary>Volatile state the host may show or act on (who leads, what this node is); never persisted.</summary>
public readonly record struct SoftState(Role Role, int LeaderId, long Term);
