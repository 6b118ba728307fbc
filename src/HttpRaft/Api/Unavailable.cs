using HttpRaft.AspNetCore;

namespace HttpRaft.Api;

/// <summary>Builds the 503 (429 when overloaded) problem a client gets when a write cannot be taken now, with a Retry-After and the leader hint.</summary>
internal static class Unavailable
{
    /// <summary>Seconds a client should wait before retrying: about one election timeout.</summary>
    private const string RetryAfterSeconds = "1";

    public static ProblemHttpResult For(HttpResponse response, AppendResult result)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.RetryAfter = RetryAfterSeconds;
        return TypedResults.Problem(
            // Overloaded is the client's cue to slow down (too much uncommitted work): 429, not a failure of the node.
            statusCode: result.Outcome == AppendOutcome.Overloaded ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable,
            title: "Not committed",
            detail: Explain(result.Outcome),
            extensions: new Dictionary<string, object?> { ["leader"] = result.LeaderApi ?? "" });
    }

    private static string Explain(AppendOutcome outcome) => outcome switch
    {
        AppendOutcome.NotLeader => "No leader is known yet (an election is probably in progress); retry shortly.",
        AppendOutcome.Overwritten => "A new leader replaced the entry before it committed; it was not committed, so it is safe to retry.",
        AppendOutcome.LeadershipLost => "This node stopped leading before the entry committed; it may still commit under the new leader.",
        AppendOutcome.Overloaded => "The node has too much uncommitted work; retry shortly.",
        AppendOutcome.TimedOut => "The entry did not commit within the commit timeout (is a majority of nodes up?); it may still commit.",
        AppendOutcome.Removed => "This node was removed from the cluster: append at a member (GET /cluster on one lists them).",
        _ => "The node is shutting down; the entry may or may not commit.",
    };
}
