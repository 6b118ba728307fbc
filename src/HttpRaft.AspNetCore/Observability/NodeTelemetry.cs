using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>
/// Where the node loop leaves what it observed for readers on other threads (the dashboard's event stream, the
/// metrics' observable gauges): the latest <see cref="NodeSnapshot"/>, the last minutes of <see cref="RateSample"/>s
/// and the latest <see cref="ClusterEvent"/>s. The loop writes a few times a second, never per request; readers
/// never wait on the loop.
/// </summary>
public sealed class NodeTelemetry
{
    /// <summary>Samples kept: five minutes at one a second.</summary>
    public const int HistoryLength = 300;

    /// <summary>Timeline events kept.</summary>
    public const int EventsKept = 100;

    private readonly Queue<RateSample> history = new(HistoryLength);
    private readonly Queue<(long Sequence, ClusterEvent Event)> events = new(EventsKept);
    private readonly Lock gate = new();
    private NodeSnapshot current;
    private long loopBusyTicks;
    private double saturation;
    private TaskCompletionSource changed = NewSignal();
    private long eventsAdded;

    public NodeTelemetry(IOptions<RaftHostOptions> options) : this(options?.Value.Id ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    public NodeTelemetry(int nodeId) => current = NodeSnapshot.Empty(nodeId);

    public NodeSnapshot Current => Volatile.Read(ref current);

    /// <summary>The node loop's busy time since it started, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public long LoopBusyTicks => Volatile.Read(ref loopBusyTicks);

    /// <summary>Share of the last full second that the node loop was busy (0–1).</summary>
    public double Saturation => Volatile.Read(ref saturation);

    /// <summary>The rate samples kept that are newer than <paramref name="afterUnixMs"/>, oldest first.</summary>
    public IReadOnlyList<RateSample> SamplesAfter(long afterUnixMs)
    {
        lock (gate) return [.. history.Where(s => s.UnixMs > afterUnixMs)];
    }

    /// <summary>
    /// The events kept that were added after the first <paramref name="seen"/> (0 for all), oldest first; moves
    /// <paramref name="seen"/> past them, so a stream sends each event once.
    /// </summary>
    public IReadOnlyList<ClusterEvent> EventsAfter(ref long seen)
    {
        lock (gate)
        {
            var after = seen;
            seen = eventsAdded;
            return [.. events.Where(e => e.Sequence > after).Select(e => e.Event)];
        }
    }

    /// <summary>Completes at the next publish (snapshot, sample or event), so a stream can wait instead of polling.</summary>
    public Task Changed => Volatile.Read(ref changed).Task;

    internal void Publish(NodeSnapshot snapshot)
    {
        Volatile.Write(ref current, snapshot);
        Signal();
    }

    internal void AddBusy(long ticks) => Volatile.Write(ref loopBusyTicks, loopBusyTicks + ticks);

    internal void Add(RateSample sample)
    {
        Volatile.Write(ref saturation, sample.Saturation);
        lock (gate)
        {
            if (history.Count == HistoryLength) history.Dequeue();
            history.Enqueue(sample);
        }
        Signal();
    }

    /// <summary>Adds an event to the timeline; any thread may (the loop for elections, a route for a transfer it ran).</summary>
    public void Add(ClusterEvent clusterEvent)
    {
        lock (gate)
        {
            if (events.Count == EventsKept) events.Dequeue();
            events.Enqueue((++eventsAdded, clusterEvent));
        }
        Signal();
    }

    private void Signal() => Interlocked.Exchange(ref changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
