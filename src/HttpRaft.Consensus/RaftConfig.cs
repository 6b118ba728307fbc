namespace HttpRaft.Consensus;

/// <summary>Everything a <see cref="RaftNode"/> needs to know that the host decides: identities, timing in ticks, and limits.</summary>
public sealed class RaftConfig
{
    /// <summary>This node's id: never reused within a cluster. Bootstrap members have ids 0..n-1.</summary>
    public required int Id { get; init; }

    /// <summary>
    /// The cluster's first configuration, in force until the log holds a configuration entry (the first leader
    /// appends it). <see cref="Configuration.Empty"/> for a node joining a running cluster: it learns the membership
    /// from the log the leader sends it.
    /// </summary>
    public required Configuration Bootstrap { get; init; }

    /// <summary>
    /// Ticks without hearing from a leader before a follower campaigns. Each election waits a random
    /// number of ticks in [ElectionTicks, 2 × ElectionTicks) so that split votes resolve (§5.2).
    /// </summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Ticks between a leader's heartbeats; must be well below <see cref="ElectionTicks"/>.</summary>
    public int HeartbeatTicks { get; init; } = 2;

    /// <summary>
    /// Pre-vote (dissertation §9.6): a node first asks whether it could win before it raises its term,
    /// so a node that was partitioned away cannot depose a healthy leader when it returns.
    /// </summary>
    public bool PreVote { get; init; } = true;

    /// <summary>
    /// Check-quorum (dissertation §6.2): a leader that has not heard from a majority within an election
    /// timeout steps down, and a follower that heard from a leader within the minimum election timeout
    /// ignores vote requests, so a partitioned leader cannot keep serving and a rejoining node cannot disrupt.
    /// </summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Upper bound on the bytes of entries in one AppendEntries message (at least one entry is always sent).</summary>
    public long MaxBytesPerMessage { get; init; } = 1 << 20;

    /// <summary>
    /// Upper bound on AppendEntries messages in flight to one follower while pipelining. Throughput is
    /// roughly MaxInflightMessages × MaxBytesPerMessage per round trip; memory is bounded by the same product.
    /// </summary>
    public int MaxInflightMessages { get; init; } = 64;

    /// <summary>
    /// Upper bound on the entry bytes of the AppendEntries messages in flight to one follower while pipelining; 0 leaves
    /// <see cref="MaxInflightMessages"/> the only bound (etcd raft's MaxInflightBytes). Without it a follower catching up
    /// from far behind has MaxInflightMessages × MaxBytesPerMessage read and sent for it in one step, and again each
    /// time a batch of its acknowledgements frees the window: steps that long hold back the heartbeats to every other
    /// follower. A window with room takes one more message whatever its size.
    /// </summary>
    public long MaxInflightBytes { get; init; }

    /// <summary>Upper bound on the bytes of committed entries handed to the host in one <see cref="Ready"/>.</summary>
    public long MaxCommittedBytesPerReady { get; init; } = 16 << 20;

    /// <summary>
    /// Upper bound on the bytes a leader holds appended but not yet committed; further proposals are
    /// dropped as <see cref="ProposeRejection.Overloaded"/> until commits catch up. Zero means no bound.
    /// </summary>
    public long MaxUncommittedBytes { get; init; }

    /// <summary>The largest snapshot a follower accepts from a leader; a bigger one is refused as damaged or hostile.</summary>
    public long MaxSnapshotBytes { get; init; } = 256L << 20;

    /// <summary>The last index the host has already applied before this node started; committed entries after it are replayed.</summary>
    public long Applied { get; init; }

    /// <summary>The source of election jitter. Seed it for deterministic runs; nothing else in the core is random.</summary>
    public Random Random { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (Id < 0) throw new ArgumentException("Id must not be negative.");
        if (Bootstrap.Members.Count > 0 && !Bootstrap.Contains(Id)) throw new ArgumentException($"Id {Id} is not one of the bootstrap members.");
        if (HeartbeatTicks < 1) throw new ArgumentException("HeartbeatTicks must be at least 1.");
        if (ElectionTicks <= HeartbeatTicks) throw new ArgumentException("ElectionTicks must be greater than HeartbeatTicks.");
        if (MaxBytesPerMessage < 1) throw new ArgumentException("MaxBytesPerMessage must be positive.");
        if (MaxInflightMessages < 1) throw new ArgumentException("MaxInflightMessages must be at least 1.");
        if (MaxInflightBytes < 0) throw new ArgumentException("MaxInflightBytes must not be negative.");
        if (MaxCommittedBytesPerReady < 1) throw new ArgumentException("MaxCommittedBytesPerReady must be positive.");
        if (MaxUncommittedBytes < 0) throw new ArgumentException("MaxUncommittedBytes must not be negative.");
        if (Applied < 0) throw new ArgumentException("Applied must not be negative.");
    }
}
