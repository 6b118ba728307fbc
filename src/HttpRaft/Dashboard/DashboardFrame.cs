using HttpRaft.AspNetCore.Observability;

namespace HttpRaft.Dashboard;

/// <summary>
/// One event of a node's dashboard stream (<c>event: state</c>): the node's own state as its loop last published it,
/// the members it knows (so a page can connect to each), the rate samples and timeline events not sent on this
/// stream before, and the actions its API offers.
/// </summary>
/// <param name="Id">This node's id.</param>
/// <param name="Api">Its client API address, as configured.</param>
/// <param name="Role"><c>follower</c>, <c>precandidate</c>, <c>candidate</c> or <c>leader</c>.</param>
/// <param name="Term">Its current term.</param>
/// <param name="Leader">The leader it believes in, or null.</param>
/// <param name="FirstIndex">The first index its log holds.</param>
/// <param name="AppliedIndex">Its applied index.</param>
/// <param name="CommitIndex">Its commit index.</param>
/// <param name="LastIndex">The last index its log holds.</param>
/// <param name="PendingProposals">Client proposals it appended as leader and that have not committed yet.</param>
/// <param name="WalBytes">Bytes of its write-ahead log.</param>
/// <param name="WalSegments">Segment files of its write-ahead log.</param>
/// <param name="Saturation">Share of the last second its node loop was busy (0–1).</param>
/// <param name="Followers">On the leader, each follower's progress; empty elsewhere.</param>
/// <param name="Members">The members this node knows, with the base URI of each one's API.</param>
/// <param name="Samples">Per-second rates not sent on this stream before (the last five minutes in the first frame).</param>
/// <param name="Events">Timeline events not sent on this stream before.</param>
/// <param name="Actions">Which operator actions this node's API offers.</param>
/// <param name="UnixMs">When the node loop took the state (Unix milliseconds).</param>
internal sealed record DashboardFrame(
    int Id,
    string Api,
    string Role,
    long Term,
    int? Leader,
    long FirstIndex,
    long AppliedIndex,
    long CommitIndex,
    long LastIndex,
    int PendingProposals,
    long WalBytes,
    int WalSegments,
    double Saturation,
    IReadOnlyList<FollowerSnapshot> Followers,
    IReadOnlyList<MemberFrame> Members,
    IReadOnlyList<RateSample> Samples,
    IReadOnlyList<ClusterEvent> Events,
    DashboardActions Actions,
    long UnixMs);

/// <summary>A member as the page needs it: its id, its API address and where a browser reaches that API.</summary>
/// <param name="Id">Its node id.</param>
/// <param name="Api">Its client API address, as configured.</param>
/// <param name="Url">The base URI of its API, e.g. <c>http://localhost:9001/</c>.</param>
internal sealed record MemberFrame(int Id, string Api, Uri Url);
