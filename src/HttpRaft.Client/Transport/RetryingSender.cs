using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace HttpRaft.Client.Transport;

/// <summary>
/// Sends a <see cref="Call"/> until it gets an answer that ends it. Follows 307s by hand (HttpClient would not
/// repeat a POST's body, and the client must learn the leader from them); retries 503, 429, 408, 502, 504,
/// connection failures and timeouts with backoff, obeying Retry-After; moves to another member when one fails; gives
/// up with <see cref="HttpRaftUnavailableException"/> at the call's deadline. Any other answer is final.
/// </summary>
internal sealed class RetryingSender(
    Func<HttpClient> httpClients, MemberSet members, Backoff backoff, HttpRaftClientOptions options, TimeProvider time, ILogger logger)
{
    public async Task<Reply> SendAsync(Call call, CancellationToken cancellationToken)
    {
        var attempt = new AttemptState(call, time);
        Uri? redirectTo = null;
        while (true)
        {
            var member = call.Member ?? redirectTo ?? (call.Route == Route.Leader ? members.ForLeaderCall() : members.ForRead());
            redirectTo = null;
            attempt.Attempts++;
            var response = await TrySendAsync(call, member, attempt, cancellationToken).ConfigureAwait(false);
            TimeSpan delay;
            if (response is null)
            {
                members.Failed(member);
                delay = backoff.Next(++attempt.Retries);
                ClientLog.RetryingAfterFailure(logger, call.What, member, attempt.LastError?.Message ?? "no answer", (long)delay.TotalMilliseconds);
            }
            else if (IsRedirect(response.StatusCode))
            {
                var leader = await RedirectTargetAsync(response, cancellationToken).ConfigureAwait(false);
                attempt.LastStatus = response.StatusCode;
                response.Dispose();
                if (leader is not null)
                {
                    members.LeaderIs(leader);
                    if (++attempt.Redirects <= options.MaxRedirects && call.Member is null)
                    {
                        ClientLog.Redirected(logger, call.What, member, leader);
                        redirectTo = leader;
                        continue;
                    }
                }
                attempt.Redirects = 0;
                delay = backoff.Next(++attempt.Retries);
            }
            else if (IsRetryable(response.StatusCode))
            {
                delay = await BackOffFromAsync(call, member, response, attempt, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                return new Reply(response, member, attempt.Ambiguous);
            }

            if (call.Member is not null || delay >= attempt.Remaining)
            {
                ClientLog.GaveUp(logger, call.What, attempt.Attempts);
                throw attempt.GiveUp();
            }
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One HTTP attempt; null when it got no answer (the failure is in <paramref name="attempt"/>).</summary>
    private async Task<HttpResponseMessage?> TrySendAsync(Call call, Uri member, AttemptState attempt, CancellationToken cancellationToken)
    {
        var timeout = options.RequestTimeout + call.ExtraAttemptTime;
        if (attempt.Remaining < timeout) timeout = attempt.Remaining;
        using var perAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        perAttempt.CancelAfter(timeout < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : timeout);
        try
        {
            using var request = call.Build(member);
            if (options.ApiKey is { } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return await httpClients().SendAsync(request, HttpCompletionOption.ResponseContentRead, perAttempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The request went out and may have been carried out; only the answer is missing.
            attempt.Failed(new TimeoutException($"{member} did not answer within {timeout.TotalSeconds:0.###} s.", e), ambiguous: true);
            return null;
        }
        catch (HttpRequestException e)
        {
            // A refused or unresolvable connection never reached the server; anything later may have.
            attempt.Failed(e, ambiguous: e.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError));
            return null;
        }
    }

    /// <summary>Takes the leader hint of a retryable answer, and the wait it asks for.</summary>
    private async Task<TimeSpan> BackOffFromAsync(Call call, Uri member, HttpResponseMessage response, AttemptState attempt, CancellationToken cancellationToken)
    {
        using (response)
        {
            var status = response.StatusCode;
            attempt.LastStatus = status;
            attempt.LastError = null;
            // A 503 on a write may mean "appended, but not known committed": the append may still take effect.
            if (status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout) attempt.Ambiguous = true;
            var problem = await ProblemReader.ReadAsync(response, cancellationToken).ConfigureAwait(false);
            attempt.LastDetail = problem?.Detail;
            var hint = ProblemReader.LeaderHint(problem);
            if (hint is { Length: > 0 } && MemberAddress.TryParse(hint, out var leader)) members.LeaderIs(leader);
            // A member that knows no leader, or cannot serve this read: another member may do better.
            else if (status == HttpStatusCode.ServiceUnavailable) members.Failed(member);
            var delay = backoff.After(RetryAfter(response), ++attempt.Retries);
            ClientLog.RetryingAfterStatus(logger, call.What, member, status, (long)delay.TotalMilliseconds);
            return delay;
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header) return null;
        if (header.Delta is { } delta) return delta;
        return header.Date is { } date ? date - time.GetUtcNow() : null;
    }

    /// <summary>The leader a redirect points to: its Location, else the <c>leader</c> in its body.</summary>
    private static async Task<Uri?> RedirectTargetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (MemberAddress.BaseOf(response.Headers.Location) is { } fromLocation) return fromLocation;
        try
        {
            var body = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.LeaderHintBody, cancellationToken).ConfigureAwait(false);
            return MemberAddress.TryParse(body?.Leader, out var fromBody) ? fromBody : null;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool IsRetryable(HttpStatusCode status) => status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests
        or HttpStatusCode.RequestTimeout or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;

    /// <summary>What one call has been through so far: counts, the last failure, whether it may already have taken effect, and its deadline.</summary>
    private sealed class AttemptState(Call call, TimeProvider time)
    {
        private readonly long start = time.GetTimestamp();

        public int Attempts { get; set; }

        public int Retries { get; set; }

        public int Redirects { get; set; }

        public bool Ambiguous { get; set; }

        public Exception? LastError { get; set; }

        public HttpStatusCode? LastStatus { get; set; }

        public string? LastDetail { get; set; }

        public TimeSpan Remaining => call.Deadline == Timeout.InfiniteTimeSpan
            ? TimeSpan.MaxValue
            : call.Deadline - time.GetElapsedTime(start);

        public void Failed(Exception error, bool ambiguous)
        {
            LastError = error;
            LastStatus = null;
            LastDetail = null;
            Ambiguous |= ambiguous;
        }

        public HttpRaftUnavailableException GiveUp()
        {
            var last = LastStatus is { } status
                ? $"the last answer was {(int)status}{(LastDetail is null ? "" : ": " + LastDetail)}"
                : $"the last attempt failed: {LastError?.Message}";
            var within = call.Member is null ? $" within {call.Deadline.TotalSeconds:0.###} s" : "";
            var keyed = call.IdempotencyKey is null ? "" : $" The append may still commit; retrying with Idempotency-Key '{call.IdempotencyKey}' is safe.";
            return new HttpRaftUnavailableException(
                $"HttpRaft {call.What} did not succeed{within} after {Attempts} attempt(s); {last}.{keyed}",
                Attempts, LastStatus, call.IdempotencyKey, LastError);
        }
    }
}
