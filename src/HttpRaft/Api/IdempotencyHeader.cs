using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Idempotency;

namespace HttpRaft.Api;

/// <summary>The HTTP side of exactly-once appends: the <c>Idempotency-Key</c> request header, the replay marker, and the errors a key can get.</summary>
internal static class IdempotencyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>Set to <c>true</c> on a 201 that answers a retry with the original append's index and term.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static bool IsValid(string? key) => key is null || IdempotencyKey.IsValid(key);

    public static ProblemHttpResult Invalid() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        detail: $"{Name} must be 1 to {IdempotencyKey.MaxLength} visible ASCII characters ('!' to '~', no spaces).");

    public static ProblemHttpResult Conflict(string key) => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Idempotency key reused",
        detail: $"{Name} '{key}' was already used for a different entry; it is not appended again. Use a new key for a new entry.");

    /// <summary>Marks a replayed answer, so a client can tell its retry found the original append.</summary>
    public static void MarkIfReplayed(HttpResponse response, AppendResult result)
    {
        if (result.Replayed) response.Headers[ReplayedHeader] = "true";
    }
}
