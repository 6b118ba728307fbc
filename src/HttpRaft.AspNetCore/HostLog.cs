using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;

namespace HttpRaft.AspNetCore;

/// <summary>
/// Every log message of the hosting layer, source-generated (free when disabled, even in the node loop) and kept
/// in one place so event ids stay unique: 1–9 the node loop, 10–19 the peer transport and routes.
/// </summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Now {Role} in term {Term}; leader {LeaderId}")]
    public static partial void RoleChanged(ILogger logger, Role role, long term, int leaderId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Critical, Message = "Node loop failed; the node stops")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Membership in force (entry {Index}): {Configuration}")]
    public static partial void MembershipChanged(ILogger logger, long index, HttpRaft.Consensus.Configuration configuration);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "peers.json lists {Count} nodes, which differs from the replicated membership {Configuration}. peers.json is read at a cluster's first start only; change the membership with POST /cluster/members and DELETE /cluster/members/{{id}}")]
    public static partial void BootstrapListIgnored(ILogger logger, int count, HttpRaft.Consensus.Configuration configuration);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Log cut: it starts at entry {FirstIndex} now (snapshot of {SnapshotBytes} bytes, {Milliseconds:F1} ms)")]
    public static partial void LogCut(ILogger logger, long firstIndex, int snapshotBytes, double milliseconds);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Installed the leader's snapshot of entries up to {Index} (term {Term}, {SnapshotBytes} bytes, {Milliseconds:F1} ms): the log starts after it")]
    public static partial void SnapshotInstalled(ILogger logger, long index, long term, int snapshotBytes, double milliseconds);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "The idempotency table in the snapshot at {Index} could not be read ({Problem}): keys of appends before it are forgotten")]
    public static partial void SnapshotTableUnreadable(ILogger logger, long index, string problem);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Peer {PeerId} at {Address} is unreachable: {Detail}")]
    public static partial void PeerUnreachable(ILogger logger, int peerId, Uri address, string detail);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Peer {PeerId} at {Address} is reachable again")]
    public static partial void PeerReachable(ILogger logger, int peerId, Uri address);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Rejected a peer message on {Path}: {Problem}")]
    public static partial void RejectedMessage(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "Could not read a peer request on {Path}: {Problem}")]
    public static partial void UnreadableRequest(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 14, Level = LogLevel.Error, Message = "Could not send a message to peer {PeerId} at {Address}; it was dropped")]
    public static partial void SendFailed(ILogger logger, int peerId, Uri address, Exception exception);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Refused an unauthenticated peer request on {Path} from {Remote}: {Reason} ({Skipped} more refused since the last report)")]
    public static partial void UnauthenticatedPeer(ILogger logger, string path, string remote, string reason, int skipped);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "No cluster secret is set: anyone who can reach peer port {Port} can send Raft messages to this node. Set clusterSecret in peers.json or HttpRaft__ClusterSecret")]
    public static partial void PeerPortOpen(ILogger logger, int port);
}
