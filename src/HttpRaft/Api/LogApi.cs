using HttpRaft.AspNetCore;
using HttpRaft.Consensus;
using HttpRaft.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HttpRaft.Api;

/// <summary>
/// The REST-style log: <c>POST /log</c> appends, <c>GET /log</c> pages through committed entries, <c>GET /log/{index}</c>
/// reads one, <c>DELETE /log?before=N</c> deletes the prefix.
/// </summary>
internal static class LogApi
{
    /// <summary>Entries per page when the client does not say.</summary>
    public const int DefaultLimit = 100;


    public static RouteGroupBuilder MapLogApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/log").WithTags("Log");
        group.MapPost("", AppendAsync)
            .AcceptsEntry()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("AppendEntry")
            .WithSummary("Append an entry")
            .WithDescription(
                "Appends `entry` and answers 201 with its index and term once committed; or appends a batch `entries` " +
                $"(at most {SizeLimits.MaxBatchEntries}) all or nothing at consecutive indexes, and answers with the first " +
                "`index` and the `lastIndex`. A follower answers 307 to the " +
                "leader's `/log` (Location header, and `leader` in the body); with no leader known, or if the entry does " +
                "not commit within the commit timeout, 503 with Retry-After. With an `Idempotency-Key` header (1–128 visible " +
                "ASCII characters) the append happens at most once: a retry with the same key and entry, on any node and " +
                "after a leader change or restart, gets the original 201 (index and term) with `Idempotent-Replayed: true`; " +
                "the same key with a different entry gets 422. A key is remembered while its entry is among the last `idempotencyWindow` log entries (default 100,000).");
        group.MapGet("", ReadPageAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("ReadLog")
            .WithSummary("Read committed entries")
            .WithDescription(
                $"Committed client entries from `index` (default: the first index held), at most `limit` (default {DefaultLimit}, max the node's `maxPageEntries`, 1000 unless configured). " +
                "Internal no-op entries (one per leader term) are left out, so indexes may skip; every entry appears at the " +
                "index its append was acknowledged with. A page also holds at most " +
                $"{SizeLimits.MaxPageBytes / (1024 * 1024)} MiB of entry data (but always at least one entry): page on from the last index returned. " +
                $"`wait` (milliseconds, at most {LogTail.MaxWaitMs}) long-polls: the answer comes as soon as an entry at or after `index` " +
                "is committed here, or as an empty page when the wait expires (429 when too many long-polls wait). " +
                "An `index` before `firstIndex` (the prefix was deleted by retention or DELETE /log) gets 410 with `firstIndex` and `lastIndex`, " +
                "also when the cut happens while a long-poll waits. " +
                $"`consistency`: {ReadConsistency.Accepted}. `linearizable` reflects every append acknowledged before the request " +
                "(the leader confirms its commit index with a majority; 503 with Retry-After when none can); `local` is what this " +
                "node has committed. The answer names its consistency and the indexes it reflects (X-Raft-Consistency, " +
                "X-Raft-Commit-Index, X-Raft-Read-Index).");
        group.MapGet("{index:long}", ReadOneAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("ReadEntry")
            .WithSummary("Read one committed entry")
            .WithDescription(
                "The committed client entry at `index`; 404 if it is not committed on this node (yet) or holds an internal no-op; " +
                "410 with `firstIndex` and `lastIndex` if it was deleted. " +
                $"`consistency`: {ReadConsistency.Accepted}, as for `GET /log`.");
        group.MapDelete("", TruncateAsync)
            .RequireAdminScope()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("DeleteLogPrefix")
            .WithSummary("Delete the entries before an index")
            .WithDescription(
                "Deletes every entry before `before` on every node (`before` at most the commit index): the leader appends a " +
                "truncation entry, each node applies it by taking a snapshot and deleting the segments it covers, and reads " +
                "below the new `firstIndex` get 410. 200 with `firstIndex`, `lastIndex` and `commitIndex` once the leader has cut " +
                "its own log; an index at or before `firstIndex` is already done. Idempotency keys of entries still in the " +
                "window are kept. 400 when `before` is not committed; 307 on a follower; 503 with Retry-After when no leader " +
                "is known or the cut did not finish within the commit timeout (it may still: asking again is safe).");
        return group;
    }

    private static async Task<Results<Created<AppendedEntry>, LeaderRedirect, ProblemHttpResult>> AppendAsync(
        EntryRequest request, IRaftLog log, HttpResponse response, [FromHeader(Name = IdempotencyHeader.Name)] string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        if (!IdempotencyHeader.IsValid(idempotencyKey)) return IdempotencyHeader.Invalid();
        var result = await log.AppendAsync(request.ToPayloads(), idempotencyKey, cancellationToken).ConfigureAwait(false);
        IdempotencyHeader.MarkIfReplayed(response, result);
        if (result.Committed) return Created(request, result);
        if (result.Outcome == AppendOutcome.TooLarge) return EntryRequest.TooLarge(log);
        if (result.Outcome == AppendOutcome.KeyConflict) return IdempotencyHeader.Conflict(idempotencyKey!);
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

    private static async Task<Results<Ok<LogPageResponse>, ProblemHttpResult>> ReadPageAsync(
        IRaftLog log, LongPollSlots slots, TimeProvider time, IHostApplicationLifetime lifetime, IOptions<ReadOptions> options,
        HttpResponse response, CancellationToken cancellationToken, long? index = null, int limit = DefaultLimit, int wait = 0, string? consistency = null)
    {
        if (index < 1) return BadQuery("index must be at least 1");
        var maxLimit = options.Value.MaxPageEntries;
        if (limit is < 1 || limit > maxLimit) return BadQuery($"limit must be between 1 and {maxLimit}");
        if (wait is < 0 or > LogTail.MaxWaitMs) return BadQuery($"wait must be between 0 and {LogTail.MaxWaitMs} milliseconds");
        if (!ReadConsistency.TryParse(consistency, out var level)) return BadQuery($"consistency must be {ReadConsistency.Accepted}");
        using var slot = wait > 0 ? slots.TryTake() : null;
        if (wait > 0 && slot is null) return LongPollSlots.Busy(response);
        if (await ReadConsistency.BarrierAsync(log, level, cancellationToken).ConfigureAwait(false) is not { } readIndex) return ReadConsistency.Unconfirmed(log, response);
        var from = index ?? log.FirstIndex;
        var page = wait > 0
            ? await LogTail.ReadAsync(log, from, limit, TimeSpan.FromMilliseconds(wait), time, lifetime.ApplicationStopping, cancellationToken).ConfigureAwait(false)
            : log.ReadCommitted(from, limit);
        // Without an index the client asked for the oldest entries: a cut racing the read just moves where they start.
        if (index is null && from < page.FirstIndex) page = log.ReadCommitted(from = page.FirstIndex, limit);
        if (from < page.FirstIndex) return LogGone.Problem(log, from);
        ReadConsistency.Stamp(response, level, page.AppliedIndex, readIndex);
        var shownReadIndex = level == Consistency.Linearizable ? readIndex : (long?)null;
        return TypedResults.Ok(new LogPageResponse(page.Entries.Select(LogEntry.From).ToList(), page.AppliedIndex, level.Name(), shownReadIndex) { FirstIndex = page.FirstIndex });
    }

    private static async Task<Results<Ok<LogEntry>, ProblemHttpResult>> ReadOneAsync(
        IRaftLog log, HttpResponse response, long index, CancellationToken cancellationToken, string? consistency = null)
    {
        if (!ReadConsistency.TryParse(consistency, out var level)) return BadQuery($"consistency must be {ReadConsistency.Accepted}");
        if (await ReadConsistency.BarrierAsync(log, level, cancellationToken).ConfigureAwait(false) is not { } readIndex) return ReadConsistency.Unconfirmed(log, response);
        var entry = log.GetCommitted(index);
        if (LogGone.Covers(log, index)) return LogGone.Problem(log, index);
        ReadConsistency.Stamp(response, level, log.View.AppliedIndex, readIndex);
        if (entry is not { IsClientEntry: true } found)
        {
            var detail = entry is null
                ? $"Index {index} is not committed on this node (commit index {log.View.AppliedIndex})."
                : $"Index {index} holds an internal no-op entry, not a client entry.";
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: detail);
        }
        return TypedResults.Ok(LogEntry.From(found));
    }

    /// <summary>DELETE /log?before=N.</summary>
    /// <param name="log">The node.</param>
    /// <param name="response">For Retry-After.</param>
    /// <param name="cancellationToken">The request's.</param>
    /// <param name="before">The first index to keep: every entry before it is deleted on every node. At most the commit index.</param>
    private static async Task<Results<Ok<TruncateResponse>, LeaderRedirect, ProblemHttpResult>> TruncateAsync(
        IRaftLog log, HttpResponse response, CancellationToken cancellationToken, long? before = null)
    {
        if (before is not { } first || first < 1) return BadQuery("before must be given, at least 1: the first index to keep");
        if (first > log.View.CommitIndex && log.View.IsLeader) return NotCommitted(first, log.View.CommitIndex);
        var outcome = await log.TruncateAsync(first, cancellationToken).ConfigureAwait(false);
        return outcome.Status switch
        {
            TruncateStatus.Truncated => TypedResults.Ok(new TruncateResponse(outcome.FirstIndex, outcome.LastIndex, outcome.CommitIndex)),
            TruncateStatus.NotCommitted => NotCommitted(first, outcome.CommitIndex),
            TruncateStatus.NotLeader when outcome.LeaderApi is { } leader => new LeaderRedirect(leader, $"/log?before={first}"),
            _ => NotTruncated(response, outcome),
        };
    }

    private static ProblemHttpResult NotTruncated(HttpResponse response, TruncateOutcome outcome)
    {
        response.Headers.RetryAfter = "1";
        var detail = outcome.Status switch
        {
            TruncateStatus.NotLeader => "No leader is known yet (an election is probably in progress); retry shortly.",
            TruncateStatus.Stopped => "The node is shutting down; the cut may or may not happen.",
            _ => "The cut did not finish within the commit timeout; it may still. Asking again is safe.",
        };
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Not done",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["leader"] = outcome.LeaderApi ?? "" });
    }

    private static ProblemHttpResult NotCommitted(long first, long commitIndex) =>
        BadQuery($"before={first} is beyond the commit index {commitIndex}: only committed entries can be deleted");

    private static ProblemHttpResult BadQuery(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, detail: detail);
}
