using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using HttpRaft.Storage;

namespace HttpRaft.Tests.Node;

/// <summary>In-memory storage that a test can intercept: override the member to watch or break.</summary>
internal class DelegatingStorage : IRaftStorage
{
    private readonly InMemoryRaftStorage inner = new();

    public HardState HardState => inner.HardState;

    public long FirstIndex => inner.FirstIndex;

    public long LastIndex => inner.LastIndex;

    public long Term(long index) => inner.Term(index);

    public IReadOnlyList<long> ControlEntryIndexes => inner.ControlEntryIndexes;

    public virtual IReadOnlyList<Entry> Entries(long low, long high, long maxBytes) => inner.Entries(low, high, maxBytes);

    public virtual void Save(HardState? hardState, IReadOnlyList<Entry> entries, bool sync) => inner.Save(hardState, entries, sync);

    public IReadOnlyList<Entry> ReadRange(long low, long high) => inner.ReadRange(low, high);

    public Snapshot? Snapshot => inner.Snapshot;

    public IReadOnlyList<SegmentSummary> Segments() => inner.Segments();

    public StorageStatistics Statistics => inner.Statistics;

    public virtual void Compact(Snapshot snapshot) => inner.Compact(snapshot);

    public virtual void InstallSnapshot(Snapshot snapshot) => inner.InstallSnapshot(snapshot);
}

/// <summary>A transport to nowhere, for a loop tested on its own.</summary>
internal sealed class NoTransport : IPeerTransport
{
    public void Send(IReadOnlyList<Message> messages)
    {
    }

    public void UpdatePeers(IReadOnlyDictionary<int, HttpRaft.AspNetCore.NodeAddress> peers)
    {
    }
}
