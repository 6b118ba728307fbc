namespace HttpRaft.Consensus;

/// <summary>A snapshot of a node's state for operators and tests.</summary>
public sealed record RaftStatus(
    int Id,
    Role Role,
    long Term,
    int VotedFor,
    int LeaderId,
    long CommitIndex,
    long AppliedIndex,
    long LastIndex,
    IReadOnlyDictionary<int, FollowerStatus> Followers);

/// <summary>The leader's view of one follower: how far its log is known to match, and what is sent next.</summary>
public sealed record FollowerStatus(long MatchIndex, long NextIndex, bool Replicating, int Inflight, bool RecentActive);
