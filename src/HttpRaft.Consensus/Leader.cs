namespace HttpRaft.Consensus;

/// <summary>
/// A leader's term of office: replication to each follower (§5.3) with pipelining and flow control,
/// the commit rule (§5.4.2), heartbeats, check-quorum, ReadIndex (dissertation §6.4), and handing leadership over
/// (dissertation §3.10).
/// Created when a node wins an election and discarded when it steps down.
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
    private bool appendPending;
    private bool heartbeatPending;

    public Leader(Raft raft)
    {
        this.raft = raft;
        foreach (var peer in raft.Peers) progress[peer] = new Progress(raft.Log.LastIndex + 1, raft.Config.MaxInflightMessages);
    }

    private RaftLog Log => raft.Log;

    private long Term => raft.Term;

    public IReadOnlyDictionary<int, Progress> Progress => progress;

    public bool HasPendingSends => appendPending || heartbeatPending;

    /// <summary>The voter leadership is being handed to, or <see cref="RaftNode.None"/> when no transfer is under way.</summary>
    public int TransferTarget { get; private set; } = RaftNode.None;

    /// <summary>
    /// Appends the term's no-op: entries of earlier terms commit only once an entry of this term does
    /// (§5.4.2), and ReadIndex needs a commit in this term to know the commit index is current (§6.4).
    /// </summary>
    public void Start()
    {
        selfMatch = Log.StableLastIndex;
        AppendEntries([Entry.NoOp(Log.LastIndex + 1, Term)]);
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
        if (target == RaftNode.None) target = MostUpToDatePeer();
        if (target == raft.Id) return TransferResult.AlreadyLeader;
        if (!progress.TryGetValue(target, out var pr)) return TransferResult.InvalidTarget;
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
        }
    }

    public void Step(Message m)
    {
        if (!progress.TryGetValue(m.From, out var pr)) return;
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
        }
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
            foreach (var peer in raft.Peers) SendAllowed(peer);
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
        if (pr.State == ReplicationState.Probe) pr.BecomeReplicate();
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
        if (pr.Match < Log.LastIndex || pr.State == ReplicationState.Probe) SendAppend(m.From, sendIfEmpty: true);
    }

    /// <summary>Sends the next entries to <paramref name="to"/> unless flow control holds them back; true if a message went out.</summary>
    private bool SendAppend(int to, bool sendIfEmpty)
    {
        var pr = progress[to];
        if (pr.IsPaused) return false;
        var entries = Log.EntriesFrom(pr.Next, raft.Config.MaxBytesPerMessage);
        if (entries.Count == 0 && !sendIfEmpty) return false;
        var prevIndex = pr.Next - 1;
        raft.Send(new AppendRequest(raft.Id, to, Term, prevIndex, Log.Term(prevIndex), entries, Log.Committed));
        pr.SentCommit = Math.Max(pr.SentCommit, Math.Min(Log.Committed, prevIndex + entries.Count));
        if (entries.Count > 0) pr.SentEntries(entries[^1].Index);
        return true;
    }

    private void SendTimeoutNow(int to) => raft.Send(new TimeoutNow(raft.Id, to, Term));

    /// <summary>The follower with the highest match index, preferring one heard from lately; ties go to the lower id.</summary>
    private int MostUpToDatePeer()
    {
        var best = RaftNode.None;
        Progress? bestProgress = null;
        foreach (var (peer, pr) in progress.OrderBy(p => p.Key))
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
        Span<long> matches = stackalloc long[raft.ClusterSize];
        matches[0] = selfMatch;
        var i = 1;
        foreach (var pr in progress.Values) matches[i++] = pr.Match;
        var index = Quorum.MajorityValue(matches);
        if (index <= Log.Committed || Log.Term(index) != Term) return;
        var firstInTerm = Log.Term(Log.Committed) != Term;
        Log.CommitTo(index);
        appendPending = true;
        if (!firstInTerm) return;
        foreach (var (requestId, from) in reads.TakeWaitingForTermCommit()) AddRead(requestId, from);
    }

    private void AddRead(long requestId, int from)
    {
        if (raft.ClusterSize == 1)
        {
            Answer(requestId, from, success: true, Log.Committed);
            return;
        }
        reads.Add(requestId, from, Log.Committed);
        heartbeatPending = true;
    }

    private void ConfirmReads()
    {
        Span<long> rounds = stackalloc long[raft.ClusterSize];
        rounds[0] = long.MaxValue;
        var i = 1;
        foreach (var pr in progress.Values) rounds[i++] = pr.AckedReadRound;
        foreach (var read in reads.Confirm(Quorum.MajorityValue(rounds))) Answer(read.RequestId, read.From, success: true, read.Index);
    }

    private void Answer(long requestId, int from, bool success, long index)
    {
        if (from == raft.Id) raft.ReadStates.Add(new ReadState(requestId, success, index));
        else raft.Send(new ReadIndexResponse(raft.Id, from, Term, requestId, success, index));
    }

    private bool CheckQuorumActive()
    {
        var active = 1;
        foreach (var pr in progress.Values)
        {
            if (pr.RecentActive) active++;
            pr.RecentActive = false;
        }
        return active >= Quorum.Majority(raft.ClusterSize);
    }
}
