namespace HttpRaft.Consensus;

/// <summary>
/// A leader's term of office: replication to each member (§5.3) with pipelining and flow control, the commit rule
/// (§5.4.2), heartbeats, check-quorum, ReadIndex (dissertation §6.4), handing leadership over (dissertation §3.10),
/// and membership changes one at a time (dissertation §4.1). Majorities are counted over the voters of the
/// configuration in force; learners are replicated to but never counted. Created when a node wins an election and
/// discarded when it steps down.
/// </summary>
internal sealed class Leader
{
    private readonly Raft raft;
    private readonly Dictionary<int, Progress> progress = [];
    private readonly ReadIndexQueue reads = new();
    private long selfMatch;
    private long uncommittedBytes;
    private int heartbeatElapsed;
    private int quorumCheckElapsed;
    private int transferElapsed;
    // The commit index at the last two heartbeats: a learner whose match index reached the older one is at most about
    // a heartbeat behind, which is what "caught up" means for promoting it (see CaughtUp).
    private long previousHeartbeatCommit;
    private long lastHeartbeatCommit;
    private bool appendPending;
    private bool heartbeatPending;

    public Leader(Raft raft)
    {
        this.raft = raft;
        SyncProgress();
    }

    /// <summary>
    /// Keeps one <see cref="Progress"/> per member other than this node, for the configuration in force: called when
    /// the term starts, whenever this leader appends a configuration entry (which takes effect at once, §4.1), and
    /// when one commits. A removed member keeps its progress (uncounted) until its removal commits, so it receives the
    /// entry that removes it and stops campaigning by itself; it is then sent the commit index once more and dropped.
    /// </summary>
    private void SyncProgress()
    {
        var configuration = raft.Configuration;
        foreach (var member in configuration.Members)
        {
            if (member.Id != raft.Id && !progress.ContainsKey(member.Id)) progress[member.Id] = new Progress(Log.LastIndex + 1, raft.Config.MaxInflightMessages, raft.Config.MaxInflightBytes);
        }
        if (TransferTarget != RaftNode.None && !configuration.IsVoter(TransferTarget)) TransferTarget = RaftNode.None;
        if (Log.ConfigurationIndex > Log.Committed) return;
        foreach (var gone in progress.Keys.Where(id => !configuration.Contains(id)).ToList())
        {
            SendAppend(gone, sendIfEmpty: true);
            progress.Remove(gone);
        }
    }

    private RaftLog Log => raft.Log;

    private long Term => raft.Term;

    public IReadOnlyDictionary<int, Progress> Progress => progress;

    public bool HasPendingSends => appendPending || heartbeatPending;

    /// <summary>The voter leadership is being handed to, or <see cref="RaftNode.None"/> when no transfer is under way.</summary>
    public int TransferTarget { get; private set; } = RaftNode.None;

    /// <summary>
    /// Appends the term's first entry, a no-op: entries of earlier terms commit only once an entry of this term does
    /// (§5.4.2), and ReadIndex needs a commit in this term to know the commit index is current (§6.4).
    /// </summary>
    public void Start()
    {
        selfMatch = Log.StableLastIndex;
        // The first leader of a cluster writes the bootstrap configuration as its term's entry instead of the no-op:
        // from then on the membership lives in the log, and later edits of the bootstrap list change nothing.
        var index = Log.LastIndex + 1;
        AppendEntries([Log.HasConfigurationEntry ? Entry.NoOp(index, Term) : Entry.ForConfiguration(index, Term, raft.Configuration)]);
    }

    public ProposeResult Propose(IReadOnlyList<ReadOnlyMemory<byte>> payloads)
    {
        if (TransferTarget != RaftNode.None) return ProposeResult.Dropped(ProposeRejection.Transferring, Term, raft.Id);
        long bytes = 0;
        foreach (var payload in payloads) bytes += Entry.Overhead + payload.Length;
        var limit = raft.Config.MaxUncommittedBytes;
        if (limit > 0 && uncommittedBytes > 0 && uncommittedBytes + bytes > limit)
        {
            return ProposeResult.Dropped(ProposeRejection.Overloaded, Term, raft.Id);
        }
        var first = Log.LastIndex + 1;
        var entries = new Entry[payloads.Count];
        for (var i = 0; i < entries.Length; i++) entries[i] = Entry.Normal(first + i, Term, payloads[i]);
        AppendEntries(entries);
        return ProposeResult.Appended(first, first + entries.Length - 1, Term, raft.Id);
    }

    public void ReadIndex(long requestId, int from)
    {
        if (Log.Term(Log.Committed) != Term) reads.WaitForTermCommit(requestId, from);
        else AddRead(requestId, from);
    }

    /// <summary>
    /// Dissertation §3.10: stop taking proposals, bring <paramref name="target"/> fully up to date, then tell it to
    /// campaign at once. <see cref="RaftNode.None"/> picks the voter whose log is most up to date. A request for the
    /// target already under way changes nothing; one for another target restarts the transfer towards it.
    /// </summary>
    public TransferResult TransferLeadership(int target)
    {
        if (target == RaftNode.None) target = MostUpToDateVoter();
        if (target == raft.Id) return TransferResult.AlreadyLeader;
        if (!raft.Configuration.IsVoter(target) || !progress.TryGetValue(target, out var pr)) return TransferResult.InvalidTarget;
        if (target == TransferTarget) return TransferResult.Started;
        TransferTarget = target;
        transferElapsed = 0;
        if (pr.Match == Log.LastIndex) SendTimeoutNow(target);
        else SendAppend(target, sendIfEmpty: true);
        return TransferResult.Started;
    }

    public void Tick()
    {
        // A transfer that has not moved leadership within an election timeout failed (the target is down or cut
        // off): serve again rather than refuse proposals indefinitely.
        if (TransferTarget != RaftNode.None && ++transferElapsed >= raft.Config.ElectionTicks) TransferTarget = RaftNode.None;
        foreach (var pr in progress.Values) pr.TicksSinceHeard++;
        if (++quorumCheckElapsed >= raft.Config.ElectionTicks)
        {
            quorumCheckElapsed = 0;
            if (raft.Config.CheckQuorum && !CheckQuorumActive())
            {
                raft.BecomeFollower(Term, RaftNode.None);
                return;
            }
        }
        if (++heartbeatElapsed >= raft.Config.HeartbeatTicks)
        {
            heartbeatElapsed = 0;
            heartbeatPending = true;
            previousHeartbeatCommit = lastHeartbeatCommit;
            lastHeartbeatCommit = Log.Committed;
            PromoteCaughtUpLearner();
        }
    }

    /// <summary>
    /// Dissertation §4.1: a change takes effect when appended, and only one may be uncommitted; a leader also waits
    /// until it has committed an entry of its own term, or a change could be built on an uncommitted configuration of
    /// an earlier leader and two disjoint majorities could elect two leaders (Ongaro, raft-dev, 2015).
    /// </summary>
    public ChangeResult ProposeChange(MembershipChange change)
    {
        if (TransferTarget != RaftNode.None || !MayChangeConfiguration) return ChangeResult.Refused(ChangeRejection.Pending, Term, raft.Id);
        var (next, member, rejection) = Apply(change, raft.Configuration);
        if (rejection != ChangeRejection.None) return ChangeResult.Refused(rejection, Term, raft.Id);
        var index = Log.LastIndex + 1;
        AppendEntries([Entry.ForConfiguration(index, Term, next!)]);
        SyncProgress();
        return new ChangeResult(ChangeRejection.None, index, Term, raft.Id, member, next);
    }

    private bool MayChangeConfiguration => Log.Term(Log.Committed) == Term && Log.ConfigurationIndex <= Log.Committed;

    private (Configuration? Next, ClusterMember? Member, ChangeRejection Rejection) Apply(MembershipChange change, Configuration current)
    {
        switch (change)
        {
            case MembershipChange.AddLearner add:
                var added = new ClusterMember(current.NextId, MemberRole.Learner, add.Address, add.PromoteWhenCaughtUp);
                return (current.With(added), added, ChangeRejection.None);
            case MembershipChange.Promote promote:
                if (current.Find(promote.Id) is not { } learner) return (null, null, ChangeRejection.UnknownMember);
                if (learner.IsVoter) return (null, learner, ChangeRejection.NotALearner);
                if (!CaughtUp(learner.Id)) return (null, learner, ChangeRejection.NotCaughtUp);
                var voter = learner with { Role = MemberRole.Voter, PromoteWhenCaughtUp = false };
                return (current.With(voter), voter, ChangeRejection.None);
            case MembershipChange.Remove remove:
                if (current.Find(remove.Id) is not { } gone) return (null, null, ChangeRejection.UnknownMember);
                if (gone.Id == raft.Id) return (null, gone, ChangeRejection.RemovesLeader);
                // The leader is a voter and cannot remove itself, so a voter always remains.
                return (current.Without(gone.Id), gone, ChangeRejection.None);
            default:
                throw new ArgumentException($"Unknown change {change}.", nameof(change));
        }
    }

    /// <summary>
    /// A learner may vote once it is at most about a heartbeat behind: its match index has reached the commit index of
    /// the heartbeat before last, and the configuration in force (so it knows it is a member). This adapts to load,
    /// where a fixed entry count would be too strict when busy and too loose when idle (docs/design.md §7).
    /// </summary>
    private bool CaughtUp(int learner) =>
        progress.TryGetValue(learner, out var pr) && pr.Match >= Math.Max(previousHeartbeatCommit, Log.ConfigurationIndex);

    /// <summary>Promotes one learner that asked for it once it has caught up (any leader does: the wish is in the configuration).</summary>
    private void PromoteCaughtUpLearner()
    {
        if (!MayChangeConfiguration || TransferTarget != RaftNode.None) return;
        var ready = raft.Configuration.Members.FirstOrDefault(m => m is { IsVoter: false, PromoteWhenCaughtUp: true } && CaughtUp(m.Id));
        if (ready is not null) ProposeChange(new MembershipChange.Promote(ready.Id));
    }

    public void Step(Message m)
    {
        if (!progress.TryGetValue(m.From, out var pr)) return;
        pr.TicksSinceHeard = 0;
        switch (m)
        {
            case AppendResponse response:
                pr.RecentActive = true;
                HandleAppendResponse(response, pr);
                break;
            case HeartbeatResponse response:
                pr.RecentActive = true;
                HandleHeartbeatResponse(response, pr);
                break;
            case ReadIndexRequest request:
                ReadIndex(request.RequestId, request.From);
                break;
            case SnapshotChunkResponse response:
                pr.RecentActive = true;
                HandleSnapshotChunkResponse(response, pr);
                break;
        }
    }

    /// <summary>
    /// Proposes deleting the log below <paramref name="firstIndex"/> (docs/design.md §8): the entry replicates like any
    /// other, and every node deletes the prefix when it applies it, so all agree on the first index.
    /// </summary>
    public ProposeResult ProposeTruncation(long firstIndex)
    {
        if (TransferTarget != RaftNode.None) return ProposeResult.Dropped(ProposeRejection.Transferring, Term, raft.Id);
        var index = Log.LastIndex + 1;
        AppendEntries([Entry.ForTruncation(index, Term, firstIndex)]);
        return ProposeResult.Appended(index, index, Term, raft.Id);
    }

    /// <summary>Sends what proposals, commits and reads of this turn asked for: one message per follower, not one per call.</summary>
    public void FlushPendingSends()
    {
        if (heartbeatPending)
        {
            heartbeatPending = false;
            BroadcastHeartbeat();
        }
        if (appendPending)
        {
            appendPending = false;
            foreach (var peer in progress.Keys) SendAllowed(peer);
        }
    }

    /// <summary>Our own log is durable up to <paramref name="stableIndex"/>: the leader counts towards a majority only for what it has persisted.</summary>
    public void OnPersisted(long stableIndex)
    {
        if (stableIndex <= selfMatch) return;
        selfMatch = stableIndex;
        MaybeCommit();
    }

    public void OnApplied(IReadOnlyList<Entry> applied)
    {
        foreach (var entry in applied) uncommittedBytes -= entry.Size;
        uncommittedBytes = Math.Max(0, uncommittedBytes);
    }

    /// <summary>Fails every read still waiting: this node can no longer vouch for any read index.</summary>
    public void StepDown()
    {
        foreach (var read in reads.TakeAll()) Answer(read.RequestId, read.From, success: false, 0);
    }

    private void AppendEntries(IReadOnlyList<Entry> entries)
    {
        Log.Append(entries);
        foreach (var entry in entries) uncommittedBytes += entry.Size;
        appendPending = true;
    }

    private void HandleAppendResponse(AppendResponse m, Progress pr)
    {
        if (m.Index > Log.LastIndex) return; // Claims entries we never sent: ignore rather than corrupt progress.
        if (!m.Success)
        {
            HandleRejection(m, pr);
            return;
        }
        if (!pr.MaybeUpdate(m.Index)) return;
        // An acknowledgement from before the snapshot was installed says nothing about where replication resumes.
        if (pr.State == ReplicationState.Snapshot && pr.Match < pr.PendingSnapshot) return;
        if (pr.State != ReplicationState.Replicate) pr.BecomeReplicate();
        else pr.Inflights.FreeTo(m.Index);
        MaybeCommit();
        if (m.From == TransferTarget && pr.Match == Log.LastIndex) SendTimeoutNow(m.From);
        FillPipeline(m.From);
        // A follower that caught up after the commit index moved would otherwise learn it only at the next heartbeat.
        if (pr.SentCommit < Math.Min(pr.Match, Log.Committed)) SendAppend(m.From, sendIfEmpty: true);
    }

    /// <summary>Sends to <paramref name="to"/> now (the commit index at least), then as many more entries as flow control allows.</summary>
    private void SendAllowed(int to)
    {
        if (SendAppend(to, sendIfEmpty: true)) FillPipeline(to);
    }

    private void FillPipeline(int to)
    {
        while (SendAppend(to, sendIfEmpty: false))
        {
            // Each message carries up to MaxBytesPerMessage; stop when the in-flight limit is reached.
        }
    }

    private void HandleRejection(AppendResponse m, Progress pr)
    {
        var nextProbe = m.ConflictTerm > 0 ? Log.FindConflictByTerm(m.ConflictIndex, m.ConflictTerm).Index : m.ConflictIndex;
        if (!pr.MaybeDecreaseTo(m.Index, nextProbe)) return;
        if (pr.State == ReplicationState.Replicate) pr.BecomeProbe();
        SendAppend(m.From, sendIfEmpty: true);
    }

    private void HandleHeartbeatResponse(HeartbeatResponse m, Progress pr)
    {
        pr.ProbeSent = false;
        // If every message in flight was lost, the window would never reopen: free one slot to probe again.
        if (pr.State == ReplicationState.Replicate && pr.Inflights.IsFull) pr.Inflights.FreeFirst();
        if (m.ReadRound > pr.AckedReadRound && m.ReadRound <= reads.CurrentRound)
        {
            pr.AckedReadRound = m.ReadRound;
            ConfirmReads();
        }
        if (pr.State == ReplicationState.Snapshot) ResendSnapshotChunk(m.From, pr);
        else if (pr.Match < Log.LastIndex || pr.State == ReplicationState.Probe) SendAppend(m.From, sendIfEmpty: true);
    }

    /// <summary>
    /// Raft §7: a follower that needs entries the leader compacted away gets the snapshot instead, one piece of at most
    /// MaxBytesPerMessage at a time, each sent once the previous is acknowledged (and again at a heartbeat if it was
    /// lost), so heartbeats and other followers' entries are never queued behind a large snapshot.
    /// </summary>
    private bool SendSnapshot(int to, Progress pr)
    {
        if (Log.Snapshot is not { } snapshot) return false;
        pr.BecomeSnapshot(snapshot.Index);
        SendSnapshotChunk(to, pr);
        return true;
    }

    private void SendSnapshotChunk(int to, Progress pr)
    {
        if (Log.Snapshot is not { } snapshot) return;
        // Compacted again meanwhile: the follower starts over with the newer snapshot.
        if (snapshot.Index != pr.PendingSnapshot) pr.BecomeSnapshot(snapshot.Index);
        if (pr.SnapshotOffset >= snapshot.Data.Length) return;
        var offset = (int)pr.SnapshotOffset;
        var length = (int)Math.Min(raft.Config.MaxBytesPerMessage, snapshot.Data.Length - offset);
        raft.Send(new SnapshotChunk(raft.Id, to, Term, snapshot.Index, snapshot.Term, offset, snapshot.Data.Length, snapshot.Data.Slice(offset, length)));
    }

    /// <summary>
    /// At a heartbeat the last piece may have been lost, or the follower's answer to the whole snapshot: send the piece
    /// again, or the snapshot again from its start. A follower that already installed it answers with its commit index.
    /// </summary>
    private void ResendSnapshotChunk(int to, Progress pr)
    {
        if (Log.Snapshot is { } snapshot && snapshot.Index == pr.PendingSnapshot && pr.SnapshotOffset >= snapshot.Data.Length) pr.SnapshotOffset = 0;
        SendSnapshotChunk(to, pr);
    }

    /// <summary>The follower's count of bytes held is the truth: lower than ours when it restarted or found the snapshot damaged.</summary>
    private void HandleSnapshotChunkResponse(SnapshotChunkResponse m, Progress pr)
    {
        if (pr.State != ReplicationState.Snapshot || m.SnapshotIndex != pr.PendingSnapshot || m.Received == pr.SnapshotOffset) return;
        pr.SnapshotOffset = m.Received;
        SendSnapshotChunk(m.From, pr);
    }

    /// <summary>Sends the next entries to <paramref name="to"/> unless flow control holds them back; true if a message went out.</summary>
    private bool SendAppend(int to, bool sendIfEmpty)
    {
        var pr = progress[to];
        if (pr.IsPaused) return false;
        if (pr.Next < Log.FirstIndex) return SendSnapshot(to, pr);
        var entries = Log.EntriesFrom(pr.Next, raft.Config.MaxBytesPerMessage);
        if (entries.Count == 0 && !sendIfEmpty) return false;
        var prevIndex = pr.Next - 1;
        raft.Send(new AppendRequest(raft.Id, to, Term, prevIndex, Log.Term(prevIndex), entries, Log.Committed));
        pr.SentCommit = Math.Max(pr.SentCommit, Math.Min(Log.Committed, prevIndex + entries.Count));
        if (entries.Count > 0) pr.SentEntries(entries[^1].Index, SizeOf(entries));
        return true;
    }

    private static long SizeOf(IReadOnlyList<Entry> entries)
    {
        long bytes = 0;
        for (var i = 0; i < entries.Count; i++) bytes += entries[i].Size;
        return bytes;
    }

    private void SendTimeoutNow(int to) => raft.Send(new TimeoutNow(raft.Id, to, Term));

    /// <summary>The voter with the highest match index, preferring one heard from lately; ties go to the lower id.</summary>
    private int MostUpToDateVoter()
    {
        var best = RaftNode.None;
        Progress? bestProgress = null;
        foreach (var (peer, pr) in progress.Where(p => raft.Configuration.IsVoter(p.Key)).OrderBy(p => p.Key))
        {
            if (bestProgress is null || (pr.Match, pr.RecentActive).CompareTo((bestProgress.Match, bestProgress.RecentActive)) > 0)
            {
                best = peer;
                bestProgress = pr;
            }
        }
        return best;
    }

    private void BroadcastHeartbeat()
    {
        reads.CloseRound();
        foreach (var (peer, pr) in progress)
        {
            // A follower may only learn a commit index up to what it is known to hold.
            var commit = Math.Min(pr.Match, Log.Committed);
            raft.Send(new Heartbeat(raft.Id, peer, Term, commit, reads.CurrentRound));
            pr.SentCommit = Math.Max(pr.SentCommit, commit);
        }
    }

    /// <summary>
    /// §5.4.2: advance the commit index to the highest index a majority holds, but only if that entry is
    /// from the current term; entries of earlier terms then commit with it. (The Go original counted
    /// replicas of old-term entries, which can commit an entry that a later leader overwrites.)
    /// </summary>
    private void MaybeCommit()
    {
        var voters = raft.Configuration.Voters;
        if (voters.Count == 0) return;
        Span<long> matches = stackalloc long[voters.Count];
        for (var i = 0; i < voters.Count; i++) matches[i] = voters[i] == raft.Id ? selfMatch : progress[voters[i]].Match;
        var index = Quorum.MajorityValue(matches);
        if (index <= Log.Committed || Log.Term(index) != Term) return;
        var firstInTerm = Log.Term(Log.Committed) != Term;
        Log.CommitTo(index);
        appendPending = true;
        if (progress.Count > raft.Configuration.Members.Count - (raft.Configuration.Contains(raft.Id) ? 1 : 0)) SyncProgress();
        if (!firstInTerm) return;
        foreach (var (requestId, from) in reads.TakeWaitingForTermCommit()) AddRead(requestId, from);
    }

    private void AddRead(long requestId, int from)
    {
        if (raft.Configuration.Voters is [var only] && only == raft.Id)
        {
            Answer(requestId, from, success: true, Log.Committed);
            return;
        }
        reads.Add(requestId, from, Log.Committed);
        heartbeatPending = true;
    }

    private void ConfirmReads()
    {
        var voters = raft.Configuration.Voters;
        Span<long> rounds = stackalloc long[voters.Count];
        for (var i = 0; i < voters.Count; i++) rounds[i] = voters[i] == raft.Id ? long.MaxValue : progress[voters[i]].AckedReadRound;
        foreach (var read in reads.Confirm(Quorum.MajorityValue(rounds))) Answer(read.RequestId, read.From, success: true, read.Index);
    }

    private void Answer(long requestId, int from, bool success, long index)
    {
        if (from == raft.Id) raft.ReadStates.Add(new ReadState(requestId, success, index));
        else raft.Send(new ReadIndexResponse(raft.Id, from, Term, requestId, success, index));
    }

    private bool CheckQuorumActive()
    {
        var voters = raft.Configuration.Voters;
        var active = voters.Count(v => v == raft.Id || progress[v].RecentActive);
        foreach (var pr in progress.Values) pr.RecentActive = false;
        return active >= Quorum.Majority(voters.Count);
    }
}
