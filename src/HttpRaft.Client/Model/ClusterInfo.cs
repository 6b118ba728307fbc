namespace HttpRaft.Client;

/// <summary>The membership as one member knows it (<c>GET /cluster</c>).</summary>
/// <param name="Leader">The leader, or null while none is known.</param>
/// <param name="Term">The answering member's term.</param>
/// <param name="ConfigIndex">The log index of the membership change in force.</param>
/// <param name="FailureTolerance">How many voters may fail with the cluster still committing.</param>
/// <param name="Members">Every member, voters and learners.</param>
public sealed record ClusterInfo(LeaderInfo? Leader, long Term, long ConfigIndex, int FailureTolerance, IReadOnlyList<ClusterMember> Members);

/// <summary>One member of the cluster.</summary>
/// <param name="Id">Its id, assigned by the leader and never reused.</param>
/// <param name="Peer">Its peer address.</param>
/// <param name="Api">Its client API address.</param>
/// <param name="Role"><c>voter</c> or <c>learner</c>.</param>
/// <param name="MatchIndex">On the leader's answer, the highest index known replicated on it.</param>
/// <param name="Lag">On the leader's answer, how many entries it trails by.</param>
/// <param name="LastContactMs">On the leader's answer, milliseconds since it last answered the leader.</param>
public sealed record ClusterMember(int Id, string Peer, string Api, string Role, long? MatchIndex = null, long? Lag = null, long? LastContactMs = null);

/// <summary>The role a new member joins with.</summary>
public enum MemberRole
{
    /// <summary>Receives the log but does not vote; promote it once it has caught up.</summary>
    Learner,

    /// <summary>Joins as a learner and is promoted to voter by the leader once it has caught up.</summary>
    Voter,
}
