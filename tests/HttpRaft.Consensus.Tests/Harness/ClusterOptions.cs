namespace HttpRaft.Consensus.Tests.Harness;

/// <summary>
/// The knobs of <see cref="RaftConfig"/> a scenario may turn, defaulting to the core's own defaults, plus the
/// seed from which every node's election jitter is drawn (so a scenario replays exactly).
/// </summary>
internal sealed record ClusterOptions
{
    private static readonly RaftConfig Defaults = new() { Id = 0, Bootstrap = Configuration.Bootstrap([0]) };

    public int ElectionTicks { get; init; } = Defaults.ElectionTicks;

    public int HeartbeatTicks { get; init; } = Defaults.HeartbeatTicks;

    public bool PreVote { get; init; } = Defaults.PreVote;

    public bool CheckQuorum { get; init; } = Defaults.CheckQuorum;

    public long MaxBytesPerMessage { get; init; } = Defaults.MaxBytesPerMessage;

    public int MaxInflightMessages { get; init; } = Defaults.MaxInflightMessages;

    public long MaxInflightBytes { get; init; } = Defaults.MaxInflightBytes;

    public long MaxUncommittedBytes { get; init; } = Defaults.MaxUncommittedBytes;

    public int Seed { get; init; } = 1;

    /// <summary>The production defaults: pre-vote and check-quorum on.</summary>
    public static ClusterOptions Default { get; } = new();

    /// <summary>
    /// Raft as the paper states it (§5), without pre-vote or check-quorum: for scenarios that steer elections
    /// by hand and need any node to be able to campaign at any moment.
    /// </summary>
    public static ClusterOptions Paper { get; } = new() { PreVote = false, CheckQuorum = false };

    /// <summary>The configuration of node <paramref name="id"/> in its <paramref name="incarnation"/>-th start.</summary>
    public RaftConfig ConfigFor(int id, IReadOnlyList<int> members, int incarnation, long applied) => new()
    {
        Id = id,
        Bootstrap = Configuration.Bootstrap(members),
        ElectionTicks = ElectionTicks,
        HeartbeatTicks = HeartbeatTicks,
        PreVote = PreVote,
        CheckQuorum = CheckQuorum,
        MaxBytesPerMessage = MaxBytesPerMessage,
        MaxInflightMessages = MaxInflightMessages,
        MaxInflightBytes = MaxInflightBytes,
        MaxUncommittedBytes = MaxUncommittedBytes,
        Applied = applied,
        Random = new Random(unchecked((Seed * 7919) + (id * 104729) + incarnation)),
    };
}
