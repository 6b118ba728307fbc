namespace HttpRaft.Consensus;

/// <summary>
/// One Raft node as a pure, deterministic state machine: the host feeds it <see cref="Tick"/>,
/// <see cref="Step"/>, <see cref="Propose(IReadOnlyList{ReadOnlyMemory{byte}})"/> and <see cref="ReadIndex"/>, and drains
/// the resulting work with <see cref="GetReady"/> and <see cref="Advance"/>. It does no I/O, starts no
/// threads, reads no clock and draws randomness only from <see cref="RaftConfig.Random"/>. Not thread-safe:
/// one loop owns it.
/// </summary>
public sealed class RaftNode
{
    /// <summary>The id meaning "nobody": no vote cast, no leader known.</summary>
    public const int None = -1;

    private readonly Raft raft;
    private SoftState lastSoft;
    private HardState lastHard;
    private long lastConfigurationIndex = -1;
    private Ready? outstanding;

    /// <summary>Starts a node from what <paramref name="storage"/> holds; a restarted node resumes exactly from what was persisted.</summary>
    public RaftNode(RaftConfig config, IRaftLogStorage storage)
    {
        raft = new Raft(config, storage);
        lastSoft = raft.SoftState;
        lastHard = storage.HardState;
    }

    public int Id => raft.Id;

    public Role Role => raft.Role;

    public long Term => raft.Term;

    public int LeaderId => raft.LeaderId;

    public long CommitIndex => raft.Log.Committed;

    /// <summary>The last index the host has applied (as <see cref="Advance"/> reported it), or a snapshot installed.</summary>
    public long AppliedIndex => raft.Log.Applied;

    public long LastIndex => raft.Log.LastIndex;

    /// <summary>The configuration in force: the latest in the log, committed or not (dissertation §4.1).</summary>
    public Configuration Configuration => raft.Configuration;

    /// <summary>The index of the entry that set <see cref="Configuration"/>; 0 while the bootstrap configuration is in force.</summary>
    public long ConfigurationIndex => raft.Log.ConfigurationIndex;

    /// <summary>True when the log says this node was a member and was removed: it no longer campaigns or counts.</summary>
    public bool Removed => raft.Removed;

    /// <summary>Advances logical time by one tick: drives election timeouts, heartbeats and check-quorum.</summary>
    public void Tick() => raft.Tick();

    /// <summary>Delivers a message from a peer. Messages not addressed to this node or from a non-member are ignored.</summary>
    public void Step(Message message) => raft.Step(message);

    /// <summary>Starts an election at once instead of waiting for the election timeout.</summary>
    public void Campaign() => raft.Campaign();

    /// <summary>
    /// Hands leadership to <paramref name="target"/> (dissertation §3.10), or with <see cref="None"/> to the voter whose
    /// log is most up to date. While the transfer runs, proposals are refused with <see cref="ProposeRejection.Transferring"/>.
    /// The host sees the outcome as a <see cref="SoftState"/> change when the target's election deposes this node, or,
    /// if it does not within an election timeout, as <see cref="LeadTransferee"/> going back to <see cref="None"/> while
    /// this node still leads.
    /// </summary>
    public TransferResult TransferLeadership(int target) =>
        raft.Leader is null ? TransferResult.NotLeader : raft.Leader.TransferLeadership(target);

    /// <summary>The voter leadership is being handed to, or <see cref="None"/> when no transfer is under way.</summary>
    public int LeadTransferee => raft.Leader?.TransferTarget ?? None;

    /// <summary>
    /// Proposes one membership change if this node leads (dissertation §4.1): the configuration entry takes effect
    /// at once, on this node when appended and on each follower when it receives it. Refused while another change is
    /// uncommitted or before the leader has committed an entry of its own term.
    /// </summary>
    public ChangeResult ProposeChange(MembershipChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return raft.Leader is null ? ChangeResult.Refused(ChangeRejection.NotLeader, raft.Term, raft.LeaderId) : raft.Leader.ProposeChange(change);
    }

    /// <summary>
    /// Proposes deleting the log below <paramref name="firstIndex"/> if this node leads (docs/design.md §8): an entry
    /// every node applies by deleting the same prefix. The host checks that the index is committed first.
    /// </summary>
    public ProposeResult ProposeTruncation(long firstIndex) =>
        raft.Leader is null ? ProposeResult.Dropped(ProposeRejection.NotLeader, raft.Term, raft.LeaderId) : raft.Leader.ProposeTruncation(firstIndex);

    /// <summary>
    /// The snapshot of the log up to <paramref name="index"/> (at most the applied index): its term, the configuration
    /// in force there, and the host's state <paramref name="hostData"/>. The host makes it durable and deletes the
    /// entries it covers (storage's Compact); the core then reads the new first index from storage.
    /// </summary>
    public Snapshot CreateSnapshot(long index, ReadOnlySpan<byte> hostData)
    {
        if (index < raft.Log.FirstIndex - 1 || index > raft.Log.Applied) throw new ArgumentOutOfRangeException(nameof(index), index, $"A snapshot covers applied entries: [{raft.Log.FirstIndex - 1}, {raft.Log.Applied}].");
        return Snapshot.Create(index, raft.Log.Term(index), raft.Log.ConfigurationAt(index), hostData);
    }

    /// <summary>The first index the log holds (1 until it is compacted).</summary>
    public long FirstIndex => raft.Log.FirstIndex;

    /// <summary>
    /// Tells the node a peer answered that it was removed (HTTP 410): it stops campaigning until a leader's message
    /// reaches it, so a removed node that missed its removal cannot disrupt the cluster.
    /// </summary>
    public void ReportRemoved() => raft.ReportRemoved();

    /// <summary>
    /// Appends client payloads as consecutive entries if this node leads. The result names their index
    /// range and term, or why they were dropped and who leads; a dropped proposal left no trace in the log.
    /// The payloads are opaque to the core: any envelope the host needs (an idempotency key) is inside them.
    /// </summary>
    public ProposeResult Propose(IReadOnlyList<ReadOnlyMemory<byte>> payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        if (payloads.Count == 0) throw new ArgumentException("Propose at least one entry.", nameof(payloads));
        if (raft.Leader is null) return ProposeResult.Dropped(ProposeRejection.NotLeader, raft.Term, raft.LeaderId);
        return raft.Leader.Propose(payloads);
    }

    public ProposeResult Propose(ReadOnlyMemory<byte> payload) => Propose([payload]);

    /// <summary>
    /// Requests a linearizable read (ReadIndex, dissertation §6.4). A later <see cref="Ready"/> carries a
    /// <see cref="ReadState"/> for <paramref name="requestId"/>: serve the read once applied up to its index,
    /// or fail it if it was not successful.
    /// </summary>
    public void ReadIndex(long requestId) => raft.ReadIndex(requestId);

    /// <summary>True when <see cref="GetReady"/> would return work.</summary>
    public bool HasReady =>
        raft.SoftState != lastSoft
        || raft.HardState != lastHard
        || raft.Log.UnstableEntries.Count > 0
        || raft.Log.HasUnappliedCommits
        || raft.Outbox.Count > 0
        || raft.ReadStates.Count > 0
        || raft.Leader?.HasPendingSends == true
        || raft.Log.ConfigurationIndex != lastConfigurationIndex
        || raft.Log.UnstableSnapshot is not null;

    /// <summary>Collects the work accumulated since the last batch. Call <see cref="Advance"/> with it before the next one.</summary>
    public Ready GetReady()
    {
        if (outstanding is not null) throw new InvalidOperationException("Advance the previous Ready before asking for another.");
        raft.Leader?.FlushPendingSends();
        var soft = raft.SoftState;
        var hard = raft.HardState;
        var entries = raft.Log.UnstableEntries.ToArray();
        var snapshot = raft.Log.UnstableSnapshot;
        var ready = new Ready
        {
            Snapshot = snapshot,
            SoftState = soft != lastSoft ? soft : null,
            HardState = hard != lastHard ? hard : null,
            Entries = entries,
            CommittedEntries = raft.Log.NextCommitted(raft.Config.MaxCommittedBytesPerReady),
            Messages = raft.Outbox.ToArray(),
            ReadStates = raft.ReadStates.ToArray(),
            Configuration = raft.Log.ConfigurationIndex != lastConfigurationIndex ? raft.Configuration : null,
            ConfigurationIndex = raft.Log.ConfigurationIndex,
            MustSync = entries.Length > 0 || snapshot is not null || TermOrVoteChanged(hard),
            CanSendBeforePersisting = raft.Role == Role.Leader && !TermOrVoteChanged(hard),
        };
        raft.Outbox.Clear();
        raft.ReadStates.Clear();
        lastSoft = soft;
        lastHard = hard;
        lastConfigurationIndex = raft.Log.ConfigurationIndex;
        outstanding = ready;
        return ready;
    }

    private bool TermOrVoteChanged(HardState hard) => hard.Term != lastHard.Term || hard.VotedFor != lastHard.VotedFor;

    /// <summary>Tells the node that the host has carried out <paramref name="ready"/>: entries are durable and committed entries applied.</summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!ReferenceEquals(ready, outstanding)) throw new InvalidOperationException("Advance takes the Ready last returned by GetReady.");
        outstanding = null;
        if (ready.Snapshot is not null) raft.Log.SnapshotStable(ready.Snapshot);
        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            raft.Log.StableTo(last.Index, last.Term);
            raft.Leader?.OnPersisted(raft.Log.StableLastIndex);
        }
        // A snapshot installed since this batch was taken already counts its entries as applied.
        if (ready.CommittedEntries.Count > 0 && ready.CommittedEntries[^1].Index > raft.Log.Applied)
        {
            raft.Log.AppliedTo(ready.CommittedEntries[^1].Index);
            raft.Leader?.OnApplied(ready.CommittedEntries);
        }
    }

    public RaftStatus Status()
    {
        var followers = new Dictionary<int, FollowerStatus>();
        if (raft.Leader is not null)
        {
            foreach (var (id, pr) in raft.Leader.Progress)
            {
                followers[id] = new FollowerStatus(pr.Match, pr.Next, pr.State == ReplicationState.Replicate, pr.Inflights.Count, pr.RecentActive, raft.Configuration.IsVoter(id), pr.TicksSinceHeard);
            }
        }
        return new RaftStatus(raft.Id, raft.Role, raft.Term, raft.VotedFor, raft.LeaderId, raft.Log.Committed, raft.Log.Applied, raft.Log.LastIndex, followers)
        {
            Configuration = raft.Configuration,
            ConfigurationIndex = raft.Log.ConfigurationIndex,
            Removed = raft.Removed,
        };
    }
}
