using HttpRaft.AspNetCore.Node;
using Microsoft.Extensions.Time.Testing;

namespace HttpRaft.Tests.Node;

/// <summary>Waiting for the applied index: woken by the batch that reaches it, not by earlier ones, and released at its timeout.</summary>
public sealed class AppliedIndexSignalTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public async Task Many_waiters_wake_when_a_batch_reaches_their_index()
    {
        var signal = new AppliedIndexSignal(appliedAtStart: 3);
        var waiters = Enumerable.Range(0, 100).Select(_ => signal.WaitForAsync(10, TimeSpan.FromMinutes(1), time, CancellationToken.None)).ToList();
        Assert.All(waiters, w => Assert.False(w.IsCompleted));

        signal.Advance(12);

        Assert.All(await Task.WhenAll(waiters), Assert.True);
    }

    [Fact]
    public async Task A_batch_short_of_the_index_does_not_end_the_wait()
    {
        var signal = new AppliedIndexSignal(appliedAtStart: 3);
        var waiter = signal.WaitForAsync(10, TimeSpan.FromMinutes(1), time, CancellationToken.None);

        signal.Advance(7);
        // Woken by the batch to 7, the waiter must wait on; at its timeout it reports that 10 was never reached.
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(await waiter);
    }

    [Fact]
    public async Task An_index_already_applied_needs_no_wait()
    {
        var signal = new AppliedIndexSignal(appliedAtStart: 5);
        Assert.True(await signal.WaitForAsync(5, TimeSpan.Zero, time, CancellationToken.None));
    }

    [Fact]
    public async Task A_waiter_gets_false_when_its_timeout_passes_first()
    {
        var signal = new AppliedIndexSignal(appliedAtStart: 0);
        var waiter = signal.WaitForAsync(1, TimeSpan.FromSeconds(2), time, CancellationToken.None);
        Assert.False(waiter.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(3));

        Assert.False(await waiter);
    }

    [Fact]
    public async Task A_cancelled_waiter_stops_waiting()
    {
        var signal = new AppliedIndexSignal(appliedAtStart: 0);
        using var cancel = new CancellationTokenSource();
        var waiter = signal.WaitForAsync(1, TimeSpan.FromMinutes(1), time, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
    }
}
