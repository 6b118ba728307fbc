using System.Net;

namespace HttpRaft.Client;

/// <summary>
/// The deadline passed while every answer still said "retry" (no leader, 503, 429, connection failures, timeouts).
/// For an append the outcome is unknown: it may yet commit. Retrying with the same <see cref="IdempotencyKey"/>
/// is safe: it appends at most once.
/// </summary>
public sealed class HttpRaftUnavailableException : HttpRaftException
{
    /// <summary>A call that gave up after <paramref name="attempts"/> attempts; <paramref name="innerException"/> is the last failure, if it threw.</summary>
    public HttpRaftUnavailableException(string message, int attempts, HttpStatusCode? lastStatus, string? idempotencyKey, Exception? innerException = null)
        : base(message, lastStatus, innerException)
    {
        Attempts = attempts;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>How many HTTP attempts were made.</summary>
    public int Attempts { get; }

    /// <summary>For an append, the key it was sent with: pass it to a retry so that the entries are appended at most once.</summary>
    public string? IdempotencyKey { get; }
}
