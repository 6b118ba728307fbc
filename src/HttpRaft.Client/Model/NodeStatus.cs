namespace HttpRaft.Client;

/// <summary>One member's own state, as <c>GET /status</c> answers.</summary>
/// <param name="Id">The member's id.</param>
/// <param name="Role">Follower, PreCandidate, Candidate or Leader (or removed, once it has left the cluster).</param>
/// <param name="Term">Its current term.</param>
/// <param name="Leader">The leader it knows of, or null.</param>
/// <param name="CommitIndex">The highest index it knows committed.</param>
/// <param name="AppliedIndex">The highest index it has applied (readable from it).</param>
/// <param name="LastIndex">The last index in its log.</param>
/// <param name="Peers">On the leader, each follower's replication progress; null on other members.</param>
public sealed record NodeStatus(
    int Id, string Role, long Term, LeaderInfo? Leader, long CommitIndex, long AppliedIndex, long LastIndex, IReadOnlyList<PeerProgress>? Peers);

/// <summary>The leader's view of one follower.</summary>
/// <param name="Id">The follower's id.</param>
/// <param name="Api">Its client API address.</param>
/// <param name="MatchIndex">The highest index known replicated on it.</param>
/// <param name="NextIndex">The next index the leader will send it.</param>
/// <param name="RecentActive">Whether it answered within the current check-quorum window.</param>
public sealed record PeerProgress(int Id, string Api, long MatchIndex, long NextIndex, bool RecentActive);

/// <summary>A leader, by id and client API address.</summary>
/// <param name="Id">Its member id.</param>
/// <param name="Api">Its client API address as the cluster writes it.</param>
public sealed record LeaderInfo(int Id, string Api);
