using HttpRaft.AspNetCore;
using HttpRaft.Security;

namespace HttpRaft.Api;

/// <summary>The cluster's operations (docs/api.md): <c>POST /cluster/leader</c> hands leadership over. They need the <c>admin</c> scope when API keys are configured.</summary>
internal static class ClusterApi
{
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/cluster").WithTags("Cluster").RequireAdminScope();
        group.MapPost("leader", TransferAsync)
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
                "A follower answers 307 to the leader's `/cluster/leader`. Needs the `admin` scope when API keys are configured.");
        return group;
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
            _ => Unavailable(response, outcome),
        };
    }

    private static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: detail);

    private static ProblemHttpResult Unavailable(HttpResponse response, TransferOutcome outcome)
    {
        response.Headers.RetryAfter = "1";
        var detail = outcome.Status switch
        {
            TransferStatus.NotLeader => "No leader is known yet (an election is probably in progress); retry shortly.",
            TransferStatus.Stopped => "The node is shutting down.",
            _ => "Leadership did not move to the target within an election timeout; the leader serves again. Is the target up?",
        };
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Leadership not transferred",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["leader"] = outcome.LeaderApi ?? "" });
    }
}

/// <summary>The body of <c>POST /cluster/leader</c>: <c>{"id": N}</c>, or <c>{}</c> (or no body) for the most up-to-date voter.</summary>
/// <param name="Id">The voter to hand leadership to; leave it out for the one whose log is most up to date.</param>
internal sealed record TransferRequest(int? Id = null)
{
    /// <summary>Reads the body as JSON whatever its Content-Type; an empty body is <c>{}</c>.</summary>
    public static async ValueTask<TransferRequest?> BindAsync(HttpContext context) =>
        await JsonBody.ReadAsync<TransferRequest>(context, "a JSON object, {\"id\": N} or {}", allowEmpty: true).ConfigureAwait(false) ?? new TransferRequest();
}

/// <summary>Who leads after a transfer.</summary>
/// <param name="Leader">The new leader: its id and API address.</param>
internal sealed record LeaderResponse(NodeRef Leader);
