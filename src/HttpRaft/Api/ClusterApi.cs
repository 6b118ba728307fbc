using HttpRaft.AspNetCore;
using HttpRaft.Consensus;
using HttpRaft.Security;
using Microsoft.Extensions.Options;

namespace HttpRaft.Api;

/// <summary>
/// The cluster (docs/api.md): <c>GET /cluster</c> shows the membership; <c>POST /cluster/members</c>,
/// <c>POST /cluster/members/{id}/promote</c> and <c>DELETE /cluster/members/{id}</c> change it one server at a time;
/// <c>POST /cluster/leader</c> hands leadership over. The changing routes need the <c>admin</c> scope when API keys
/// are configured, and answer 307 to the leader on a follower.
/// </summary>
internal static class ClusterApi
{
    public static void MapClusterApi(this IEndpointRouteBuilder endpoints, IServiceProvider services)
    {
        endpoints.MapGroup("/cluster").WithTags("Cluster").RequireApiKey(services).MapGet("", GetAsync)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("Cluster")
            .WithSummary("The membership")
            .WithDescription(
                "The membership as this node knows it: the leader, the term, the index of the configuration entry in force " +
                "(`configIndex`, 0 before the first leader wrote it), how many voters may fail (`failureTolerance`), and each " +
                "member's id, peer and API addresses and role (`voter` or `learner`). On the leader each member also has its " +
                "`matchIndex`, `lag` in entries and `lastContactMs`.");
        var changes = endpoints.MapGroup("/cluster").WithTags("Cluster").RequireAdminScope().RequireApiKey(services);
        changes.MapPost("members", AddAsync)
            .Accepts<AddMemberRequest>("application/json", "*/*")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("AddMember")
            .WithSummary("Add a member")
            .WithDescription(
                "Adds a node at `peer` and `api` as a learner with the next unused id: it receives the log but does not vote. " +
                "`role` `voter` makes the leader promote it once it has caught up. 201 with the member once the change is " +
                "committed. 409 if either address belongs to a member; 503 with Retry-After while another change is pending " +
                "or the leader has not committed an entry of its term yet; 307 on a follower. Start the new node with " +
                "`--join` (which calls this route) or with its id and these addresses.");
        changes.MapPost("members/{id:int}/promote", PromoteAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("PromoteMember")
            .WithSummary("Make a learner a voter")
            .WithDescription("200 with the member once the promotion is committed; 409 while the learner has not caught up (it must hold what the leader had committed a heartbeat ago), or if it is a voter already; 404 for an unknown id.");
        changes.MapDelete("members/{id:int}", RemoveAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("RemoveMember")
            .WithSummary("Remove a member")
            .WithDescription(
                "200 with the new membership once the removal is committed; the id is never used again. Removing the leader " +
                "first hands leadership to the most up-to-date voter, then answers 307 to the new leader, which removes it. " +
                "409 if it would leave no voter; 404 for an unknown id.");
        changes.MapPost("leader", TransferAsync)
            .Accepts<TransferRequest>("application/json", "*/*")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("TransferLeadership")
            .WithSummary("Hand leadership to another node")
            .WithDescription(
                "Moves leadership to voter `id`, or with `{}` to the voter whose log is most up to date (Raft dissertation §3.10): " +
                "the leader stops taking appends (they wait, then follow the 307 to the new leader), brings the target's log " +
                "up to date and tells it to campaign at once. 200 with the new leader once the target leads, typically within " +
                "a few milliseconds. 409 when the target is this node (already the leader), unknown, or a learner. 503 with " +
                "Retry-After when leadership did not move within an election timeout; the old leader then serves again. " +
                "A follower answers 307 to the leader's `/cluster/leader`.");
    }

    private static async Task<Results<Ok<ClusterResponse>, ProblemHttpResult>> GetAsync(IRaftLog log, IOptions<RaftHostOptions> options, HttpResponse response, CancellationToken cancellationToken)
    {
        var view = log.View;
        if (!view.IsLeader) return TypedResults.Ok(ClusterResponse.Of(view, view.Membership, status: null, options.Value.TickIntervalMs));
        try
        {
            var status = await log.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(ClusterResponse.Of(log.View, log.View.Membership, status, options.Value.TickIntervalMs));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            return Unavailable(response, "The node is too busy to report the cluster; retry shortly.", view.Membership.ApiOf(view.LeaderId));
        }
    }

    private static async Task<Results<Created<MemberResponse>, LeaderRedirect, ProblemHttpResult>> AddAsync(
        AddMemberRequest request, IRaftLog log, HttpResponse response, CancellationToken cancellationToken)
    {
        if ((log.View.Membership.MemberAt(request.Peer) ?? log.View.Membership.MemberAt(request.Api)) is { } taken)
        {
            return Conflict($"Node {taken.Id} is a member at that address already.");
        }
        var address = new MemberAddress(request.Peer, request.Api).Encode();
        var outcome = await log.ChangeMembershipAsync(new MembershipChange.AddLearner(address, request.IsVoter), cancellationToken).ConfigureAwait(false);
        if (outcome is { Status: ChangeStatus.Committed, Member: { } member })
        {
            return TypedResults.Created($"/cluster/members/{member.Id}", MemberResponse.Of(member, outcome.Membership!));
        }
        return Failed<Created<MemberResponse>>(outcome, response, "/cluster/members");
    }

    private static async Task<Results<Ok<MemberResponse>, LeaderRedirect, ProblemHttpResult>> PromoteAsync(
        int id, IRaftLog log, HttpResponse response, CancellationToken cancellationToken)
    {
        var outcome = await log.ChangeMembershipAsync(new MembershipChange.Promote(id), cancellationToken).ConfigureAwait(false);
        if (outcome is { Status: ChangeStatus.Committed, Member: { } member }) return TypedResults.Ok(MemberResponse.Of(member, outcome.Membership!));
        return Failed<Ok<MemberResponse>>(outcome, response, $"/cluster/members/{id}/promote", id);
    }

    private static async Task<Results<Ok<ClusterResponse>, LeaderRedirect, ProblemHttpResult>> RemoveAsync(
        int id, IRaftLog log, IOptions<RaftHostOptions> options, HttpResponse response, CancellationToken cancellationToken)
    {
        var path = $"/cluster/members/{id}";
        if (id == log.NodeId && log.View.IsLeader) return await HandOverThenRedirectAsync(log, response, path, cancellationToken).ConfigureAwait(false);
        var outcome = await log.ChangeMembershipAsync(new MembershipChange.Remove(id), cancellationToken).ConfigureAwait(false);
        if (outcome.Status == ChangeStatus.Committed) return TypedResults.Ok(ClusterResponse.Of(log.View, outcome.Membership!, status: null, options.Value.TickIntervalMs));
        return Failed<Ok<ClusterResponse>>(outcome, response, path, id);
    }

    /// <summary>
    /// A leader cannot remove itself (its removal must be committed by a majority it no longer belongs to): it hands
    /// leadership to the most up-to-date voter first, and the client repeats the removal there.
    /// </summary>
    private static async Task<Results<Ok<ClusterResponse>, LeaderRedirect, ProblemHttpResult>> HandOverThenRedirectAsync(
        IRaftLog log, HttpResponse response, string path, CancellationToken cancellationToken)
    {
        var transfer = await log.TransferLeadershipAsync(null, cancellationToken).ConfigureAwait(false);
        return transfer switch
        {
            { Status: TransferStatus.Transferred, LeaderApi: { } leader } => new LeaderRedirect(leader, path),
            { Status: TransferStatus.InvalidTarget } => Conflict($"Removing node {log.NodeId} would leave the cluster without a voter."),
            _ => Unavailable(response, "Could not hand leadership over before removing this node; retry shortly.", transfer.LeaderApi),
        };
    }

    private static async Task<Results<Ok<LeaderResponse>, LeaderRedirect, ProblemHttpResult>> TransferAsync(
        TransferRequest request, IRaftLog log, HttpResponse response, CancellationToken cancellationToken)
    {
        if (request.Id is < 0) return Conflict($"There is no node {request.Id}.");
        var outcome = await log.TransferLeadershipAsync(request.Id, cancellationToken).ConfigureAwait(false);
        return outcome.Status switch
        {
            TransferStatus.Transferred => TypedResults.Ok(new LeaderResponse(new NodeRef(outcome.LeaderId, outcome.LeaderApi ?? ""))),
            TransferStatus.NotLeader when outcome.LeaderApi is { } leader => new LeaderRedirect(leader, "/cluster/leader"),
            TransferStatus.AlreadyLeader => Conflict($"Node {log.NodeId} already leads."),
            TransferStatus.InvalidTarget => Conflict(request.Id is { } id ? $"Node {id} is not a voting member of the cluster." : "There is no other voter to hand leadership to."),
            TransferStatus.NotLeader => Unavailable(response, "No leader is known yet (an election is probably in progress); retry shortly.", null),
            TransferStatus.Stopped => Unavailable(response, "The node is shutting down.", outcome.LeaderApi),
            _ => Unavailable(response, "Leadership did not move to the target within an election timeout; the leader serves again. Is the target up?", outcome.LeaderApi),
        };
    }

    /// <summary>
    /// The answer to a change that was not committed: a redirect to the leader, or a problem saying why. A refused
    /// change carries no member, so the problem names <paramref name="id"/>, the member the request named.
    /// </summary>
    private static Results<T, LeaderRedirect, ProblemHttpResult> Failed<T>(ChangeOutcome outcome, HttpResponse response, string path, int? id = null)
        where T : IResult
    {
        var member = outcome.Member?.Id ?? id;
        if (outcome is { Status: ChangeStatus.NotLeader, LeaderApi: { } leader }) return new LeaderRedirect(leader, path);
        return outcome.Status switch
        {
            ChangeStatus.UnknownMember => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No member has that id."),
            ChangeStatus.NotALearner => Conflict($"Node {member} is a voter already."),
            ChangeStatus.NotCaughtUp => Conflict($"Learner {member} has not caught up with the leader yet; retry once it has."),
            ChangeStatus.RemovesLeader => Conflict("The leader cannot remove itself; send the request to it again to hand leadership over first."),
            ChangeStatus.Pending => Unavailable(response, "Another membership change is not committed yet, or the leader was just elected; retry shortly.", outcome.LeaderApi),
            ChangeStatus.NotLeader => Unavailable(response, "No leader is known yet (an election is probably in progress); retry shortly.", null),
            ChangeStatus.Stopped => Unavailable(response, "The node is shutting down.", outcome.LeaderApi),
            _ => Unavailable(response, "The change did not commit within the commit timeout; it may still commit (GET /cluster shows).", outcome.LeaderApi),
        };
    }

    private static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: detail);

    private static ProblemHttpResult Unavailable(HttpResponse response, string detail, string? leaderApi)
    {
        response.Headers.RetryAfter = "1";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Not done",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["leader"] = leaderApi ?? "" });
    }
}
