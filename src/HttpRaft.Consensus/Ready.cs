namespace HttpRaft.Consensus;

/// <summary>
/// One batch of work the core hands to its host. The host must, in this order: persist
/// <see cref="Entries"/> (truncating any stored entries at or after the first one's index) and
/// <see cref="HardState"/>, with one fsync when <see cref="MustSync"/>; then send <see cref="Messages"/>;
/// then apply <see cref="CommittedEntries"/> and serve <see cref="ReadStates"/>; then call
/// <see cref="RaftNode.Advance"/>. Persisting before sending is what makes a vote or an acknowledgement a promise.
/// The one exception is <see cref="CanSendBeforePersisting"/>.
/// </summary>
public sealed class Ready
{
    /// <summary>The role, leader or term if any changed since the last batch; otherwise null.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>The term, vote or commit index if any changed since the last batch; otherwise null.</summary>
    public HardState? HardState { get; init; }

    /// <summary>
    /// A snapshot received from the leader to make durable before <see cref="Entries"/> (it replaces the whole log), and
    /// to restore the host's state from: everything up to its index counts as applied. Null almost always.
    /// </summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Entries to append to durable storage.</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>Entries committed and not yet applied, in index order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];

    /// <summary>Messages to send once the entries and hard state above are durable.</summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>
    /// The configuration in force when it changed since the last batch (a configuration entry appended, received, or
    /// cut off with a conflicting suffix); otherwise null. The host updates who it can send to before it sends
    /// <see cref="Messages"/>, which may already be addressed to a new member.
    /// </summary>
    public Configuration? Configuration { get; init; }

    /// <summary>The index of the entry that set the configuration in force (0 for the bootstrap one).</summary>
    public long ConfigurationIndex { get; init; }

    /// <summary>Answers to <see cref="RaftNode.ReadIndex"/> requests.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    /// <summary>
    /// True when <see cref="Messages"/> may go out before, or while, this batch is persisted: they come from a leader
    /// whose term and vote are already durable, so they promise nothing about this node's disk. Replication then
    /// overlaps the leader's own fsync (dissertation §10.2.1); the leader counts its own log towards a commit only
    /// once <see cref="RaftNode.Advance"/> says it is durable, so a commit still needs a majority of disks.
    /// </summary>
    public bool CanSendBeforePersisting { get; init; }

    /// <summary>True when entries, term or vote changed: the write must reach stable storage (fsync) before messages go out.</summary>
    public bool MustSync { get; init; }
}
