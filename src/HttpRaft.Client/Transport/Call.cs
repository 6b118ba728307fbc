namespace HttpRaft.Client.Transport;

/// <summary>Which member a call goes to first.</summary>
internal enum Route
{
    /// <summary>The cached leader, else any member (which redirects); writes and membership changes.</summary>
    Leader,

    /// <summary>The current member, moving on when it fails; reads.</summary>
    AnyMember,
}

/// <summary>One logical call to the cluster, which <see cref="RetryingSender"/> turns into as many HTTP attempts as it takes.</summary>
/// <param name="What">What the call does, for messages ("append", "read", ...).</param>
/// <param name="Route">Where it goes first.</param>
/// <param name="Build">Builds a fresh request against a member's base URI (a request cannot be sent twice).</param>
/// <param name="Deadline">How long it may keep retrying; <see cref="Timeout.InfiniteTimeSpan"/> until cancelled.</param>
/// <param name="ExtraAttemptTime">Added to each attempt's timeout: a long-poll's wait.</param>
/// <param name="IdempotencyKey">An append's key, reported when the call gives up.</param>
/// <param name="Member">Sends to this member only, once: a probe of one member, not a call to the cluster.</param>
internal sealed record Call(
    string What,
    Route Route,
    Func<Uri, HttpRequestMessage> Build,
    TimeSpan Deadline,
    TimeSpan ExtraAttemptTime = default,
    string? IdempotencyKey = null,
    Uri? Member = null);

/// <summary>
/// The answer that ended a call: a success or a final error. <see cref="Ambiguous"/> is true when an earlier attempt
/// may have taken effect without the client hearing so (it timed out, lost its connection mid-way, or got a 503 that
/// says the outcome is unknown), so a conflict now may be the echo of the client's own success.
/// </summary>
internal sealed record Reply(HttpResponseMessage Response, Uri Member, bool Ambiguous) : IDisposable
{
    public bool IsSuccess => Response.IsSuccessStatusCode;

    public void Dispose() => Response.Dispose();
}
