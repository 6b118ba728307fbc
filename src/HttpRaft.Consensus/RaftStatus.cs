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
    IReadOnlyDictionary<int, FollowerStatus> Followers)
{
    /// <summary>The configuration in force.</summary>
    public Configuration Configuration { get; init; } = Configuration.Empty;

    /// <summary>The index of the entry that set <see cref="Configuration"/>; 0 for the bootstrap configuration.</summary>
    public long ConfigurationIndex { get; init; }

    /// <summary>True when the log says this node was removed from the cluster.</summary>
    public bool Removed { get; init; }
}

/// <summary>The leader's view of one follower (a voter or a learner): how far its log is known to match, and what is sent next.</summary>
public sealed record FollowerStatus(long MatchIndex, long NextIndex, bool Replicating, int Inflight, bool RecentActive, bool IsVoter = true);
