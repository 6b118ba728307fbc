using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// One simulated server: its durable storage survives crashes, everything else (the core, unstable entries,
/// applied state) is lost and rebuilt from storage on restart, as on a real machine.
/// </summary>
internal sealed class SimNode(int id, IReadOnlyList<int> members, Func<RaftConfig, RaftConfig> configure)
{
    private readonly Func<RaftConfig, RaftConfig> configure = configure;

    public int Id { get; } = id;

    public MemoryStorage Storage { get; } = new();

    public RaftNode? Raft { get; private set; }

    public bool IsUp => Raft is not null;

    /// <summary>Index of the last entry this incarnation applied; restarts replay from 1.</summary>
    public long LastApplied { get; set; }

    public void Start(int seed)
    {
        Raft = new RaftNode(configure(new RaftConfig { Id = Id, Bootstrap = Configuration.Bootstrap(members), Random = new Random(seed) }), Storage);
        LastApplied = 0;
    }

    public void Crash() => Raft = null;
}
