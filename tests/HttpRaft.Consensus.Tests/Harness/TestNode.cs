namespace HttpRaft.Consensus.Tests.Harness;

/// <summary>
/// One server of a test cluster: a <see cref="RaftNode"/>, the <see cref="MemoryStorage"/> that is its disk, and
/// the state machine it applies to. <see cref="HandleReady"/> carries out every Ready exactly as the host
/// contract says: persist entries and hard state, then send, then apply and serve reads, then Advance.
/// </summary>
internal sealed class TestNode
{
    private readonly IReadOnlyList<int> members;
    private int incarnation;

    public TestNode(int id, IReadOnlyList<int> members, ClusterOptions options, MemoryStorage? storage = null)
    {
        Id = id;
        this.members = members;
        Options = options;
        Storage = storage ?? new MemoryStorage();
        Raft = new RaftNode(options.ConfigFor(id, members, incarnation, applied: 0), Storage);
    }

    public int Id { get; }

    public ClusterOptions Options { get; }

    /// <summary>The node's disk: everything it has persisted, and nothing else.</summary>
    public MemoryStorage Storage { get; }

    public RaftNode Raft { get; private set; }

    /// <summary>Entries applied to the state machine, in the order they were applied (it survives restarts).</summary>
    public List<Entry> Applied { get; } = [];

    /// <summary>Answers to read requests, in the order they arrived.</summary>
    public List<ReadState> ReadStates { get; } = [];

    /// <summary>Every Ready this incarnation handled, for tests that check what came together in one batch.</summary>
    public List<Ready> Readies { get; } = [];

    public Role Role => Raft.Role;

    public long Term => Raft.Term;

    public RaftStatus Status => Raft.Status();

    /// <summary>Drains every pending Ready per the host contract and returns the messages to send, in order.</summary>
    public List<Message> HandleReady()
    {
        var outgoing = new List<Message>();
        while (Raft.HasReady)
        {
            var ready = Raft.GetReady();
            Readies.Add(ready);
            if (ready.Snapshot is { } snapshot) RestoreFrom(snapshot);
            Storage.Append(ready.Entries);
            if (ready.HardState is { } hardState) Storage.SetHardState(hardState);
            outgoing.AddRange(ready.Messages);
            Applied.AddRange(ready.CommittedEntries);
            ReadStates.AddRange(ready.ReadStates);
            Raft.Advance(ready);
        }
        return outgoing;
    }

    /// <summary>
    /// A crash and restart: a new <see cref="RaftNode"/> over the same storage, so the node keeps exactly what
    /// was persisted and loses any Ready it had not handled. By default the state machine is durable and the node
    /// resumes applying after what it applied; with <paramref name="replay"/> the state machine was in memory and
    /// the node applies its committed entries again from its disk.
    /// </summary>
    public void Restart(bool replay = false)
    {
        incarnation++;
        Readies.Clear();
        if (replay) Applied.Clear();
        var applied = AppliedIndex;
        Raft = new RaftNode(Options.ConfigFor(Id, members, incarnation, applied), Storage);
    }

    /// <summary>Snapshots this node installed from a leader, in order.</summary>
    public List<Snapshot> InstalledSnapshots { get; } = [];

    /// <summary>Index of the last entry the state machine holds, applied or restored from a snapshot.</summary>
    public long AppliedIndex => Math.Max(Applied.Count == 0 ? 0 : Applied[^1].Index, InstalledSnapshots.Count == 0 ? 0 : InstalledSnapshots[^1].Index);

    /// <summary>Deletes the log up to <paramref name="index"/> (applied), keeping a snapshot with <paramref name="hostData"/>, as a host's retention does.</summary>
    public Snapshot Compact(long index, byte[]? hostData = null)
    {
        var snapshot = Raft.CreateSnapshot(index, hostData ?? []);
        Storage.Compact(snapshot);
        return snapshot;
    }

    /// <summary>The persisted log (from the first index the storage still holds).</summary>
    public IReadOnlyList<Entry> PersistedLog => Storage.LastIndex < Storage.FirstIndex ? [] : Storage.Entries(Storage.FirstIndex, Storage.LastIndex + 1, long.MaxValue);

    /// <summary>A leader's snapshot replaces the log; the state machine takes its state from it.</summary>
    private void RestoreFrom(Snapshot snapshot)
    {
        Storage.InstallSnapshot(snapshot);
        InstalledSnapshots.Add(snapshot);
    }

    /// <summary>The terms of the persisted log, index 1 first: the shape the paper's figures draw.</summary>
    public long[] PersistedTerms => PersistedLog.Select(e => e.Term).ToArray();
}
