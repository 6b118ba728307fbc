using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>
/// What the node loop last published about itself for the dashboard and the metrics, at a bounded rate: its role and
/// indexes and, on the leader, each follower's progress. Replaced whole, never torn.
/// </summary>
/// <param name="UnixMs">When the loop took it (Unix milliseconds).</param>
/// <param name="NodeId">This node.</param>
/// <param name="Role">Its role.</param>
/// <param name="Term">Its current term.</param>
/// <param name="LeaderId">The leader it believes in, or -1.</param>
/// <param name="FirstIndex">The first index its log holds.</param>
/// <param name="AppliedIndex">Its applied index.</param>
/// <param name="CommitIndex">Its commit index.</param>
/// <param name="LastIndex">The last index its log holds.</param>
/// <param name="Followers">The leader's view of each follower, by id; empty on any other node.</param>
/// <param name="PendingProposals">Client proposals appended by this leader and not yet committed.</param>
/// <param name="WalBytes">Bytes the write-ahead log's segment files hold.</param>
/// <param name="WalSegments">Segment files of the write-ahead log.</param>
public sealed record NodeSnapshot(
    long UnixMs,
    int NodeId,
    Role Role,
    long Term,
    int LeaderId,
    long FirstIndex,
    long AppliedIndex,
    long CommitIndex,
    long LastIndex,
    IReadOnlyList<FollowerSnapshot> Followers,
    int PendingProposals,
    long WalBytes,
    int WalSegments)
{
    /// <summary>Before the loop's first publish: nothing known yet.</summary>
    public static NodeSnapshot Empty(int nodeId) => new(0, nodeId, Role.Follower, 0, RaftNode.None, 1, 0, 0, 0, [], 0, 0, 0);
}

/// <summary>The leader's view of one follower.</summary>
/// <param name="Id">The follower.</param>
/// <param name="MatchIndex">The highest index known replicated on it.</param>
/// <param name="NextIndex">The next index the leader sends it.</param>
/// <param name="LagEntries">Entries the leader holds that the follower is not known to hold (last index − match index).</param>
/// <param name="LagMs">How long ago the leader appended the oldest entry the follower is not known to hold; 0 when caught up.</param>
/// <param name="State"><c>probe</c> (finding where the logs match) or <c>replicate</c> (streaming).</param>
/// <param name="Inflight">AppendEntries sent and not yet answered.</param>
/// <param name="RecentActive">Heard from since the last check-quorum round.</param>
/// <param name="RoundTripMs">The last heartbeat's round trip, or null before the first answer.</param>
public sealed record FollowerSnapshot(
    int Id,
    long MatchIndex,
    long NextIndex,
    long LagEntries,
    double LagMs,
    string State,
    int Inflight,
    bool RecentActive,
    double? RoundTripMs);

/// <summary>One second of the node's rates, for the dashboard's sparklines.</summary>
/// <param name="UnixMs">When the second ended (Unix milliseconds).</param>
/// <param name="CommitsPerSecond">Entries this node saw commit during the second.</param>
/// <param name="AppendP99Ms">99th percentile of the proposals this node committed as leader (inbox to commit), or null if none.</param>
/// <param name="FsyncP99Ms">99th percentile of the WAL fsyncs during the second, or null if none.</param>
/// <param name="Saturation">Share of the second the node loop was busy (0–1).</param>
public sealed record RateSample(long UnixMs, double CommitsPerSecond, double? AppendP99Ms, double? FsyncP99Ms, double Saturation);

/// <summary>Something that happened to the cluster as this node saw it, for the dashboard's timeline.</summary>
/// <param name="UnixMs">When it was seen (Unix milliseconds).</param>
/// <param name="Kind"><c>election</c>, <c>leader</c>, <c>follow</c>, <c>transfer</c> or <c>membership</c>.</param>
/// <param name="NodeId">The node that saw it.</param>
/// <param name="Term">The term it happened in.</param>
/// <param name="Subject">The node it is about (the new leader, the transfer target), if any.</param>
/// <param name="Text">One line for a person.</param>
public sealed record ClusterEvent(long UnixMs, string Kind, int NodeId, long Term, int? Subject, string Text);
