using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// One simulated server: its durable storage survives crashes, everything else (the core, unstable entries,
/// applied state) is lost and rebuilt from storage on restart, as on a real machine. A bootstrap member starts from
/// the cluster's first configuration; a node added later starts from <see cref="Configuration.Empty"/> and learns the
/// membership from the log a leader sends it.
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

    /// <summary>Index of the last entry this incarnation applied; restarts replay from 1.</summary>
    public long LastApplied { get; set; }

    /// <summary>The commit index the checker has seen on this incarnation; restarts observe again from 1.</summary>
    public long CommitSeen { get; set; }

    /// <summary>
    /// The latest configuration this incarnation applied (committed), as the host tracks it: a member it removed is
    /// removed for good, whereas a removal in an uncommitted configuration may still be cut off from the log.
    /// </summary>
    public Configuration AppliedConfiguration { get; set; } = bootstrap;

    public void Start(int seed)
    {
        Raft = new RaftNode(configure(new RaftConfig { Id = Id, Bootstrap = Bootstrap, Random = new Random(seed) }), Storage);
        LastApplied = 0;
        CommitSeen = 0;
        AppliedConfiguration = Bootstrap;
    }

    public void Crash() => Raft = null;

    /// <summary>
    /// The configuration in force in this node's persisted log, read from the log itself rather than from the core:
    /// the latest configuration entry of a term below <paramref name="beforeTerm"/>, committed or not (dissertation
    /// §4.1), or the bootstrap configuration when there is none.
    /// </summary>
    public Configuration ConfigurationInLog(long beforeTerm = long.MaxValue)
    {
        var indexes = Storage.ControlEntryIndexes;
        for (var i = indexes.Count - 1; i >= 0; i--)
        {
            var entry = Storage.Entries(indexes[i], indexes[i] + 1, long.MaxValue)[0];
            if (entry.Kind == EntryKind.Configuration && entry.Term < beforeTerm) return Configuration.Decode(entry.Data.Span);
        }
        return Bootstrap;
    }

    /// <summary>How many configuration entries this node's persisted log holds after <paramref name="index"/>.</summary>
    public int ConfigurationEntriesAfter(long index)
    {
        var indexes = Storage.ControlEntryIndexes;
        var count = 0;
        for (var i = indexes.Count - 1; i >= 0 && indexes[i] > index; i--)
        {
            if (Storage.Entries(indexes[i], indexes[i] + 1, long.MaxValue)[0].Kind == EntryKind.Configuration) count++;
        }
        return count;
    }
}
