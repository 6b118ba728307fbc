using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// One simulated server: its durable storage (log, hard state and snapshot) survives crashes, everything else (the
/// core, unstable entries, the state machine) is lost and rebuilt from storage on restart, as on a real machine: the
/// state machine starts from the snapshot's host data and applies the log after it again. A bootstrap member starts
/// from the cluster's first configuration; a node added later starts from <see cref="Configuration.Empty"/> and learns
/// the membership from the log or snapshot a leader sends it.
/// </summary>
internal sealed class SimNode(int id, Configuration bootstrap, int tickPhase, Func<RaftConfig, RaftConfig> configure)
{
    private readonly Func<RaftConfig, RaftConfig> configure = configure;

    public int Id { get; } = id;

    public Configuration Bootstrap { get; } = bootstrap;

    /// <summary>The offset of this node's ticks within a tick's time units, so that nodes do not tick in lockstep.</summary>
    public int TickPhase { get; } = tickPhase;

    public MemoryStorage Storage { get; } = new();

    public RaftNode? Raft { get; private set; }

    public bool IsUp => Raft is not null;

    /// <summary>The host's state machine; this incarnation's, rebuilt on restart.</summary>
    public SimStateMachine StateMachine { get; } = new();

    /// <summary>Index of the last entry this incarnation applied, or of the snapshot it restored.</summary>
    public long LastApplied => StateMachine.Applied;

    /// <summary>The commit index the checker has seen on this incarnation; restarts observe again from the snapshot.</summary>
    public long CommitSeen { get; set; }

    /// <summary>
    /// The latest configuration this incarnation applied (committed), as the host tracks it: a member it removed is
    /// removed for good, whereas a removal in an uncommitted configuration may still be cut off from the log.
    /// </summary>
    public Configuration AppliedConfiguration { get; private set; } = bootstrap;

    /// <summary>The first index the latest truncation this node applied keeps: the host cuts the log below it once applied.</summary>
    public long TruncationDue { get; set; }

    /// <summary>Simulated time before which a long outage keeps this node down.</summary>
    public long DownUntil { get; set; }

    /// <summary>
    /// Starts (or restarts) the node from what storage holds. The state machine starts from the snapshot; then either the
    /// core hands it the log after the snapshot to apply again, or, with <paramref name="resumeAtCommit"/>, the host
    /// resumes where it stopped as the node loop does: everything up to the persisted commit index counts as applied,
    /// and the host rebuilds its state from those entries without applying them (a cut they hold is carried out next).
    /// </summary>
    public void Start(int seed, bool resumeAtCommit = false)
    {
        var applied = resumeAtCommit ? Math.Min(Storage.HardState.Commit, Storage.LastIndex) : 0;
        Raft = new RaftNode(configure(new RaftConfig { Id = Id, Bootstrap = Bootstrap, Random = new Random(seed), Applied = applied }), Storage);
        Restore(Storage.Snapshot);
        TruncationDue = 0;
        if (Raft.AppliedIndex > LastApplied)
        {
            foreach (var entry in Storage.Entries(LastApplied + 1, Raft.AppliedIndex + 1, long.MaxValue)) Apply(entry);
        }
        CommitSeen = LastApplied;
    }

    public void Crash() => Raft = null;

    /// <summary>
    /// The host takes its state from <paramref name="snapshot"/> (at start, or installing a leader's): everything up to
    /// its index counts as applied and committed, with the membership it records.
    /// </summary>
    public void Restore(Snapshot? snapshot)
    {
        StateMachine.Restore(snapshot?.Index ?? 0, snapshot is null ? default : snapshot.HostData.Span);
        CommitSeen = snapshot?.Index ?? 0;
        AppliedConfiguration = snapshot?.Configuration ?? Bootstrap;
    }

    public void Apply(Entry entry)
    {
        StateMachine.Apply(entry);
        if (entry.Kind == EntryKind.Configuration) AppliedConfiguration = Configuration.Decode(entry.Data.Span);
        if (entry.TruncationFirstIndex is { } first) TruncationDue = Math.Max(TruncationDue, first);
    }

    /// <summary>
    /// The configuration in force in this node's persisted log, read from the log itself rather than from the core:
    /// the latest configuration entry of a term below <paramref name="beforeTerm"/>, committed or not (dissertation
    /// §4.1), or else the snapshot's, or the bootstrap configuration when there is neither.
    /// </summary>
    public Configuration ConfigurationInLog(long beforeTerm = long.MaxValue)
    {
        var indexes = Storage.ControlEntryIndexes;
        for (var i = indexes.Count - 1; i >= 0; i--)
        {
            var entry = EntryAt(indexes[i]);
            if (entry.Kind == EntryKind.Configuration && entry.Term < beforeTerm) return Configuration.Decode(entry.Data.Span);
        }
        return Storage.Snapshot?.Configuration ?? Bootstrap;
    }

    /// <summary>How many configuration entries this node's persisted log holds after <paramref name="index"/>.</summary>
    public int ConfigurationEntriesAfter(long index)
    {
        var indexes = Storage.ControlEntryIndexes;
        var count = 0;
        for (var i = indexes.Count - 1; i >= 0 && indexes[i] > index; i--)
        {
            if (EntryAt(indexes[i]).Kind == EntryKind.Configuration) count++;
        }
        return count;
    }

    /// <summary>The persisted entry at <paramref name="index"/>, which must be retained.</summary>
    public Entry EntryAt(long index) => Storage.Entries(index, index + 1, long.MaxValue)[0];
}
