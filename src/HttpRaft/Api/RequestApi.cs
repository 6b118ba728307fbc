using HttpRaft.AspNetCore;

namespace HttpRaft.Api;

/// <summary>The Go original's append call, unchanged: <c>POST /request</c>, always 200 with <c>{"success", "leader"}</c>.</summary>
internal static class RequestApi
{
    public static RouteGroupBuilder MapRequestApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/request").WithTags("Original API");
        group.MapPost("", AppendAsync)
            .AcceptsEntry()
            .WithName("Request")
            .WithSummary("Append an entry (the original httpraft call)")
            .WithDescription(
                "Appends `entry` and answers once it is committed. Always 200: `success` is true only when the entry " +
                "is committed; otherwise `leader` is the leader's API address to retry at (\"\" if no leader is known). " +
                "On success `index` and `term` say where it was committed. The body is read as JSON whatever the Content-Type.");
        return group;
    }

    private static async Task<Results<Ok<RequestResponse>, ProblemHttpResult>> AppendAsync(EntryRequest request, IRaftLog log, CancellationToken cancellationToken)
    {
        // The original's call takes one entry; batches are POST /log's.
        if (request.IsBatch) return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "POST /request takes one \"entry\"; send batches to POST /log.");
        var result = await log.AppendAsync(request.ToPayloads(), cancellationToken).ConfigureAwait(false);
        if (result.Outcome == AppendOutcome.TooLarge) return EntryRequest.TooLarge(log);
        return TypedResults.Ok(result.Committed
            ? new RequestResponse(true, result.LeaderApi ?? "", result.FirstIndex, result.Term)
            : new RequestResponse(false, result.LeaderApi ?? "", null, null));
    }
}
