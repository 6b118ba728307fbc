using HttpRaft.AspNetCore;
using HttpRaft.Consensus;
using HttpRaft.Storage;
using Microsoft.Extensions.Options;

namespace HttpRaft.Api;

/// <summary><c>GET /status</c>: this node's role, term, leader and indexes, and on the leader each follower's progress.</summary>
internal static class StatusApi
{
    public static RouteGroupBuilder MapStatusApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/status").WithTags("Operations");
        group.MapGet("", GetAsync)
            .WithName("Status")
            .WithSummary("This node's Raft state")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithDescription("Id, role, term, the leader (id and API address), commit/applied/last index, and on the leader each follower's match index; the data directory, segment count and bytes of the write-ahead log. 503 with Retry-After when the node is too busy to answer.");
        return group;
    }

    /// <summary>The storage section, for storage that keeps its log on disk (none for memory).</summary>
    private static StorageStatus? Describe(IRaftStorage storage) => storage.Statistics is { DataDirectory: { } dataDir, Fsync: { } fsync } stats
        ? new StorageStatus(dataDir, fsync.ToString(), stats.Segments, stats.DiskBytes, stats.FirstIndex, stats.SnapshotIndex, stats.OpenFiles)
        : null;

    private static async Task<Results<Ok<StatusResponse>, ProblemHttpResult>> GetAsync(
        IRaftLog log, IRaftStorage storage, HttpResponse response, CancellationToken cancellationToken)
    {
        RaftStatus status;
        try
        {
            status = await log.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // A full inbox or a slow loop: the node is busy, not broken.
            response.Headers.RetryAfter = "1";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "The node is too busy to report its status; retry shortly.");
        }
        var membership = log.View.Membership;
        var leader = membership.ApiOf(status.LeaderId) is { } api ? new NodeRef(status.LeaderId, api) : null;
        var peers = status.Role == Role.Leader
            ? status.Followers.OrderBy(f => f.Key).Select(f => new PeerProgress(f.Key, membership.ApiOf(f.Key) ?? "", f.Value.MatchIndex, f.Value.NextIndex, f.Value.RecentActive)).ToList()
            : null;
        return TypedResults.Ok(new StatusResponse(
            status.Id, RoleName(status), status.Term, leader, status.CommitIndex, status.AppliedIndex, status.LastIndex, log.FirstIndex, peers, Describe(storage)));
    }

    /// <summary>The role as <c>/status</c> shows it: <c>removed</c> for a node no longer in the cluster (it still serves its log).</summary>
    private static string RoleName(RaftStatus status) => status.Removed ? "removed" : status.Role.ToString();
}
