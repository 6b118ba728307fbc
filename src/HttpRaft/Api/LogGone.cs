using HttpRaft.AspNetCore;

namespace HttpRaft.Api;

/// <summary>The 410 a read gets for an index the log no longer holds (docs/design.md §8), naming what it does hold.</summary>
internal static class LogGone
{
    /// <summary>True when entries at <paramref name="index"/> were deleted; read after the entries, so a racing cut is caught.</summary>
    public static bool Covers(IRaftLog log, long index) => index < log.FirstIndex;

    public static ProblemHttpResult Problem(IRaftLog log, long index)
    {
        var first = log.FirstIndex;
        return TypedResults.Problem(
            statusCode: StatusCodes.Status410Gone,
            title: "Deleted",
            detail: $"Entries before index {first} were deleted (retention or DELETE /log); index {index} is gone. Read from firstIndex.",
            extensions: new Dictionary<string, object?> { ["firstIndex"] = first, ["lastIndex"] = Math.Max(first - 1, log.View.AppliedIndex) });
    }
}
