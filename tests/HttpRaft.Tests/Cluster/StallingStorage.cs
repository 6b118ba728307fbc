using HttpRaft.Consensus;
using HttpRaft.Storage;

namespace HttpRaft.Tests.Cluster;

/// <summary>A node's log whose writes (and so their fsyncs) a test can hold and let go, as a stuck disk would.</summary>
internal sealed class StallingStorage(IRaftStorage inner) : IRaftStorage
{
    // A completion source rather than an event: nothing to dispose, and one release lets every blocked write through.
    private volatile TaskCompletionSource flowing = Flowing();

    public void Stall() => flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => flowing.TrySetResult();

    private static TaskCompletionSource Flowing()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }

    public HardState HardState => inner.HardState;

    public long FirstIndex => inner.FirstIndex;

    public long LastIndex => inner.LastIndex;

    public long Term(long index) => inner.Term(index);

    public IReadOnlyList<long> ControlEntryIndexes => inner.ControlEntryIndexes;

    public IReadOnlyList<Entry> Entries(long low, long high, long maxBytes) => inner.Entries(low, high, maxBytes);

    public IReadOnlyList<Entry> ReadRange(long low, long high) => inner.ReadRange(low, high);

    public Snapshot? Snapshot => inner.Snapshot;

    public IReadOnlyList<SegmentSummary> Segments() => inner.Segments();

    public StorageStatistics Statistics => inner.Statistics;

    public void Compact(Snapshot snapshot) => inner.Compact(snapshot);

    public void InstallSnapshot(Snapshot snapshot) => inner.InstallSnapshot(snapshot);

    public void Save(HardState? hardState, IReadOnlyList<Entry> entries, bool sync)
    {
        flowing.Task.Wait();
        inner.Save(hardState, entries, sync);
    }
}
