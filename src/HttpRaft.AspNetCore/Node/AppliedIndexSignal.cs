namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// Lets any number of readers wait for the applied index to pass a point without a thread or a timer each: one
/// task per applied batch, completed and replaced when the loop publishes a higher applied index, so every waiter
/// wakes once per batch (not per entry) and re-checks. A cut of the log's prefix wakes them too: a reader waiting
/// for later entries must learn that the ones it started from are gone.
/// </summary>
internal sealed class AppliedIndexSignal(long appliedAtStart)
{
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long applied = appliedAtStart;
    private long cuts;

    public long Applied => Volatile.Read(ref applied);

    /// <summary>Called by the loop after it cut the log's prefix: wakes every waiter to re-read.</summary>
    public void Cut()
    {
        Interlocked.Increment(ref cuts);
        Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Called by the loop when it publishes: wakes every waiter if the applied index moved.</summary>
    public void Advance(long appliedIndex)
    {
        if (appliedIndex <= Applied) return;
        // Index first, then the swap: a waiter that read the old task before this write is woken by it.
        Volatile.Write(ref applied, appliedIndex);
        Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>True once the applied index is at least <paramref name="index"/>, or the log was cut; false if <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForAsync(long index, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var cutsBefore = Interlocked.Read(ref cuts);
        while (true)
        {
            // The task before the index: reading them the other way round could miss the batch that moved it.
            var batch = Volatile.Read(ref next).Task;
            if (Applied >= index || Interlocked.Read(ref cuts) != cutsBefore) return true;
            var remaining = timeout - time.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero) return false;
            try
            {
                await batch.WaitAsync(remaining, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return Applied >= index;
            }
        }
    }
}
