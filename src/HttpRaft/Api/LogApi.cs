using HttpRaft.AspNetCore;
using HttpRaft.Consensus;

namespace HttpRaft.Api;

/// <summary>The REST-style log: <c>POST /log</c> appends, <c>GET /log</c> pages through committed entries, <c>GET /log/{index}</c> reads one.</summary>
internal static class LogApi
{
    /// <summary>Entries per page when the client does not say.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The most entries one page may hold.</summary>
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapLogApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/log").WithTags("Log");
        group.MapPost("", AppendAsync)
            .AcceptsEntry()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("AppendEntry")
            .WithSummary("Append an entry")
            .WithDescription(
                "Appends `entry` and answers 201 with its index and term once committed; or appends a batch `entries` " +
                $"(at most {EntryRequest.MaxBatchEntries}) all or nothing at consecutive indexes, and answers with the first " +
                "`index` and the `lastIndex`. A follower answers 307 to the " +
                "leader's `/log` (Location header, and `leader` in the body); with no leader known, or if the entry does " +
                "not commit within the commit timeout, 503 with Retry-After.");
        group.MapGet("", ReadPage)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithName("ReadLog")
            .WithSummary("Read committed entries")
            .WithDescription(
                $"Committed client entries from `index` (default 1), at most `limit` (default {DefaultLimit}, max {MaxLimit}). " +
                "Internal no-op entries (one per leader term) are left out, so indexes may skip; every entry appears at the " +
                "index its append was acknowledged with. A page also holds at most " +
                $"{IRaftLog.MaxPageBytes / (1024 * 1024)} MiB of entry data (but always at least one entry): page on from the last index returned.");
        group.MapGet("{index:long}", ReadOne)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("ReadEntry")
            .WithSummary("Read one committed entry")
            .WithDescription("The committed client entry at `index`; 404 if it is not committed on this node (yet) or holds an internal no-op.");
        return group;
    }

    private static async Task<Results<Created<AppendedEntry>, LeaderRedirect, ProblemHttpResult>> AppendAsync(
        EntryRequest request, IRaftLog log, HttpResponse response, CancellationToken cancellationToken)
    {
        var result = await log.AppendAsync(request.ToPayloads(), cancellationToken).ConfigureAwait(false);
        if (result.Committed) return Created(request, result);
        if (result.Outcome == AppendOutcome.TooLarge) return EntryRequest.TooLarge(log);
        // Redirect only when nothing was committed by this node's attempt, so repeating the POST cannot duplicate it.
        var safeToRepeat = result.Outcome is AppendOutcome.NotLeader or AppendOutcome.Overwritten;
        if (safeToRepeat && result.LeaderApi is { } leader && result.LeaderId != log.NodeId) return new LeaderRedirect(leader, "/log");
        return Unavailable.For(response, result);
    }

    private static Created<AppendedEntry> Created(EntryRequest request, AppendResult result) => request.IsBatch
        ? TypedResults.Created(
            $"/log?index={result.FirstIndex}&limit={result.LastIndex - result.FirstIndex + 1}",
            new AppendedEntry(result.FirstIndex, result.Term, result.LastIndex))
        : TypedResults.Created($"/log/{result.FirstIndex}", new AppendedEntry(result.FirstIndex, result.Term));

    private static Results<Ok<LogPageResponse>, ProblemHttpResult> ReadPage(IRaftLog log, long index = 1, int limit = DefaultLimit)
    {
        if (index < 1) return BadQuery("index must be at least 1");
        if (limit is < 1 or > MaxLimit) return BadQuery($"limit must be between 1 and {MaxLimit}");
        var page = log.ReadCommitted(index, limit);
        return TypedResults.Ok(new LogPageResponse(page.Entries.Select(LogEntry.From).ToList(), page.CommitIndex));
    }

    private static Results<Ok<LogEntry>, ProblemHttpResult> ReadOne(IRaftLog log, long index)
    {
        var entry = log.GetCommitted(index);
        if (entry is not { Kind: EntryKind.Normal } found)
        {
            var detail = entry is null
                ? $"Index {index} is not committed on this node (commit index {log.View.AppliedIndex})."
                : $"Index {index} holds an internal no-op entry, not a client entry.";
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: detail);
        }
        return TypedResults.Ok(LogEntry.From(found));
    }

    private static ProblemHttpResult BadQuery(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, detail: detail);
}
