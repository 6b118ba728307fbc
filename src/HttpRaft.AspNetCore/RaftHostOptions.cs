using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore;

/// <summary>Everything a hosted node is configured with: who it is, where its peers are, timing, and limits (section <c>HttpRaft</c>).</summary>
public sealed class RaftHostOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "HttpRaft";

    /// <summary>This node's id: its position in <see cref="Peers"/> and <see cref="Apis"/> for a bootstrap member, or the id the leader gave it when it joined.</summary>
    public int? NodeId { get; set; }

    /// <summary>
    /// The bootstrap members' peer addresses (<c>host:port</c>), where the <c>/raft/*</c> routes listen; index = node id.
    /// Read at the first start only: after that the membership lives in the replicated log. Empty for a node that
    /// joined a running cluster.
    /// </summary>
    public List<string> Peers { get; set; } = [];

    /// <summary>The bootstrap members' client API addresses (<c>host:port</c>), the leader hint clients get; index = node id.</summary>
    public List<string> Apis { get; set; } = [];

    /// <summary>This node's peer address when it is not a bootstrap member (it joined): from its data directory's <c>member.json</c>.</summary>
    public string? Peer { get; set; }

    /// <summary>This node's client API address when it is not a bootstrap member.</summary>
    public string? Api { get; set; }

    /// <summary>
    /// The address the peer port binds when it is not the address the other members dial (the member's peer address):
    /// behind a NAT or a container's port mapping, or the fault-injection proxy of the end-to-end tests, which sits on
    /// the member's address and forwards to this one. Null (the default): bind the member's peer address. Like etcd's
    /// <c>--listen-peer-urls</c> beside <c>--initial-advertise-peer-urls</c>.
    /// </summary>
    public string? PeerListen { get; set; }

    /// <summary>The members a joined node was told about when it joined, so it can answer the leader before its log names it.</summary>
    public List<SeedMember> Seeds { get; set; } = [];

    /// <summary>Where the write-ahead log keeps its files (<c>dataDir</c> in peers.json); default <c>./data/node-&lt;id&gt;</c>.</summary>
    public string? DataDir { get; set; }

    /// <summary>
    /// <c>always</c> (the default): fsync once per persisted batch before votes and acknowledgements go out, so nothing
    /// acknowledged is lost to a crash or power failure. <c>never</c>: no fsync; survives kill -9 but a power failure or
    /// OS crash can lose acknowledged entries and votes. For tests and clusters whose data does not matter.
    /// </summary>
    public string Fsync { get; set; } = "always";

    /// <summary>
    /// A segment of the write-ahead log that has reached this many bytes is closed and the next write starts a new one
    /// (<c>segmentBytes</c> in peers.json; default 64 MiB, at least 64 KiB, at most 1 GiB), as Kafka's <c>segment.bytes</c>:
    /// retention deletes whole segments, so smaller ones let a small log free space.
    /// </summary>
    public long SegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The data directory to use: <see cref="DataDir"/>, or <c>data/node-&lt;id&gt;</c> under the working directory.</summary>
    public string DataDirectory => string.IsNullOrWhiteSpace(DataDir) ? Path.Combine("data", $"node-{Id}") : DataDir;

    /// <summary><see cref="Fsync"/> parsed; valid once the options have passed validation.</summary>
    public HttpRaft.Storage.FsyncPolicy FsyncPolicy =>
        Enum.TryParse<HttpRaft.Storage.FsyncPolicy>(Fsync, ignoreCase: true, out var policy) && Enum.IsDefined(policy)
            ? policy
            : throw new InvalidOperationException($"HttpRaft:Fsync '{Fsync}' is not 'always' or 'never'.");

    /// <summary>Milliseconds per logical tick. Heartbeat and election timeouts are counted in ticks.</summary>
    public int TickIntervalMs { get; set; } = 50;

    /// <summary>Ticks between a leader's heartbeats: 2 × 50 ms = 100 ms, as in the Go original.</summary>
    public int HeartbeatTicks { get; set; } = 2;

    /// <summary>Minimum ticks without a leader before a follower campaigns; the actual timeout is random in [n, 2n): 500–1000 ms.</summary>
    public int ElectionTicks { get; set; } = 10;

    /// <summary>How long a client waits for its entry to commit before it gets a 503.</summary>
    public int CommitTimeoutMs { get; set; } = 5000;

    /// <summary>How long connecting to a peer, or one write to its stream, may take before the stream is abandoned and reopened; Raft resends by itself, so keep it short.</summary>
    public int PeerRequestTimeoutMs { get; set; } = 1000;

    /// <summary>Messages queued for one peer; when full the oldest is dropped, so a dead peer never blocks the loop.</summary>
    public int PeerQueueCapacity { get; set; } = 1024;

    /// <summary>Inputs (requests, peer messages) waiting for the node loop; beyond it requests get 503 and peer messages are dropped.</summary>
    public int InboxCapacity { get; set; } = 16384;

    /// <summary>Largest client entry in bytes (UTF-8); larger ones get 413.</summary>
    public int MaxEntryBytes { get; set; } = 512 * 1024;

    /// <summary>Largest client request body in bytes; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Upper bound on entry bytes in one AppendEntries message (at least one entry is always sent).</summary>
    public long MaxAppendBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long idempotency keys are remembered, in log entries: a key is known while its entry is among the last
    /// this-many entries applied (so at most this many keys). A retry with an older key appends again. At start-up a
    /// node reads these last entries back to rebuild its table.
    /// </summary>
    public int IdempotencyWindow { get; set; } = 100_000;

    /// <summary>Bytes a leader may hold appended but uncommitted before it refuses proposals with 503; 0 = no bound.</summary>
    public long MaxUncommittedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The shared secret every <c>/raft/*</c> request must carry as <c>Authorization: Bearer &lt;secret&gt;</c>
    /// (<c>clusterSecret</c> in peers.json, or <c>HttpRaft__ClusterSecret</c> in the environment). Null: the peer
    /// routes are open to anyone who can reach the peer port, and the node warns at start-up.
    /// </summary>
    public string? ClusterSecret { get; set; }

    /// <summary>TLS for both addresses: this node's certificate, and the CA its peers' certificates must chain to.</summary>
    public RaftTlsOptions Tls { get; set; } = new();

    /// <summary>How much of the log to keep (the <c>retention</c> block); everything unless a limit is set.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>Connections Kestrel accepts at once on both ports together; beyond it new connections wait in the backlog.</summary>
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>How long a client may take to send its request line and headers (slowloris protection).</summary>
    public int RequestHeadersTimeoutMs { get; set; } = 10_000;

    /// <summary>Largest total size of a request's headers; larger requests get 431.</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>The size bounds these settings give, and the ones derived from them (the peer frame limit among them).</summary>
    public SizeLimits Limits => new(MaxEntryBytes, MaxRequestBodyBytes, MaxAppendBytes, IdempotencyWindow);

    /// <summary>This node's id; valid once the options have passed validation.</summary>
    public int Id => NodeId ?? throw new InvalidOperationException("HttpRaft:NodeId is not set.");

    /// <summary>This node's peer address, parsed.</summary>
    public NodeAddress PeerAddress => NodeAddress.Parse(Joined ? Peer! : Peers[Id]);

    /// <summary>Where the peer port listens: <see cref="PeerListen"/> if set (with the peer address's scheme), else <see cref="PeerAddress"/>.</summary>
    public NodeAddress PeerListenAddress => PeerListen is null ? PeerAddress : NodeAddress.Parse(PeerListen) with { Https = PeerAddress.Https };

    /// <summary>This node's client API address, parsed.</summary>
    public NodeAddress ApiAddress => NodeAddress.Parse(Joined ? Api! : Apis[Id]);

    /// <summary>
    /// True for a node that joined a running cluster: its own addresses are given (from member.json), and any bootstrap
    /// lists beside them (the single-node default, a shared configuration file) are not its membership.
    /// </summary>
    public bool Joined => Peer is not null || Api is not null;

    /// <summary><see cref="Seeds"/> by id.</summary>
    public IReadOnlyDictionary<int, MemberAddress> SeedAddresses => Seeds.ToDictionary(s => s.Id, s => new MemberAddress(s.Peer, s.Api));

    /// <summary>
    /// The bootstrap membership: voters 0..n-1 at the addresses of <see cref="Peers"/> and <see cref="Apis"/>. It is
    /// in force only until the log holds a configuration (the first leader writes it there); after that the
    /// membership is the replicated one.
    /// </summary>
    public Configuration BootstrapConfiguration => Joined
        ? Configuration.Empty
        : Configuration.Bootstrap([.. Enumerable.Range(0, Peers.Count)], id => new MemberAddress(Peers[id], Apis[id]).Encode());

    /// <summary>
    /// AppendEntries messages' worth of entry bytes (<see cref="MaxAppendBytes"/> each) a leader has in flight to one
    /// follower at most: 8 MiB with the defaults. A follower catching up from far behind is then sent 8 MiB per step of the
    /// leader's loop rather than 64 full messages, a step that on a busy machine outlasted the election timeout of the
    /// other followers (docs/performance.md, Endurance).
    /// </summary>
    internal const int InflightAppendMessages = 8;

    /// <summary>The consensus core's configuration, starting from <see cref="BootstrapConfiguration"/>.</summary>
    /// <paramref name="applied"/> is the index the host has already applied (the core clamps it to its commit index).
    internal RaftConfig ToRaftConfig(long applied = 0) => new()
    {
        Id = Id,
        Bootstrap = BootstrapConfiguration,
        HeartbeatTicks = HeartbeatTicks,
        ElectionTicks = ElectionTicks,
        MaxBytesPerMessage = MaxAppendBytes,
        MaxInflightBytes = InflightAppendMessages * MaxAppendBytes,
        MaxUncommittedBytes = MaxUncommittedBytes,
        MaxSnapshotBytes = Limits.MaxSnapshotBytes,
        Applied = applied,
    };
}

/// <summary>A member a joining node was told about: its id and addresses.</summary>
public sealed class SeedMember
{
    public int Id { get; set; }

    public string Peer { get; set; } = "";

    public string Api { get; set; } = "";
}
