using System.Collections.Concurrent;

namespace HttpRaft.Client.Tests.Fakes;

/// <summary>
/// A clock that only moves when the client waits: each backoff delay advances it at once and is recorded, so the
/// tests see every wait the client asked for and its deadline, without sleeping.
/// </summary>
internal sealed class VirtualTime : TimeProvider
{
    private long ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
    private readonly ConcurrentQueue<TimeSpan> delays = new();

    /// <summary>The waits the client asked for, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays => [.. delays];

    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref ticks) - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref ticks);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        delays.Enqueue(dueTime);
        Interlocked.Add(ref ticks, dueTime.Ticks);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
