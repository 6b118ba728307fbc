using HttpRaft.AspNetCore;

namespace HttpRaft.Api;

/// <summary>Long-poll reads (<c>tail -f</c>): a page as soon as a client entry at or after the index is applied, or an empty page when the wait expires.</summary>
internal static class LogTail
{
    /// <summary>The longest wait a client may ask for: 60 s (more gets 400; a client re-polls instead).</summary>
    public const int MaxWaitMs = 60_000;

    /// <summary>
    /// Waits up to <paramref name="wait"/>; ends early with what is there when <paramref name="stopping"/> fires (the host
    /// is shutting down: a minute-long poll must not hold up the shutdown), and throws if the client goes away.
    /// </summary>
    public static async Task<LogPage> ReadAsync(
        IRaftLog log, long index, int limit, TimeSpan wait, TimeProvider time, CancellationToken stopping, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        var start = time.GetTimestamp();
        while (true)
        {
            var page = log.ReadCommitted(index, limit);
            var remaining = wait - time.GetElapsedTime(start);
            // A cut that passed the index while the poll waited ends it: the caller answers 410.
            if (page.Entries.Count > 0 || remaining <= TimeSpan.Zero || index < page.FirstIndex) return page;
            // Nothing yet at or after index (or only no-ops): wait for the next applied batch beyond what this page saw.
            var next = Math.Max(index, page.AppliedIndex + 1);
            try
            {
                if (!await log.WaitForAppliedAsync(next, remaining, either.Token).ConfigureAwait(false)) return log.ReadCommitted(index, limit);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return log.ReadCommitted(index, limit);
            }
        }
    }
}
