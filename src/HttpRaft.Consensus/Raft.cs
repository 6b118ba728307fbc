namespace HttpRaft.Consensus;

/// <summary>
/// The protocol rules every node follows whatever its role: term changes, voting, elections, and a
/// follower's handling of the leader's messages. Leader-only behaviour lives in <see cref="Leader"/>.
/// Who votes is the configuration in force (<see cref="RaftLog.Configuration"/>): only its voters campaign and
/// count, and a node accepts a leader's messages whether or not it knows the leader (a joining node learns the
/// membership from them). Single-threaded and deterministic: it only reacts to calls and records what to send in
/// <see cref="Outbox"/>.
/// </summary>
internal sealed class Raft
{
    private readonly RaftConfig config;
    private readonly HashSet<int> votesGranted = [];
    private readonly HashSet<int> votesRejected = [];
    private int electionElapsed;
    private int randomizedElectionTimeout;
    private bool toldRemoved;
    private readonly SnapshotReceiver snapshots;

    public Raft(RaftConfig config, IRaftLogStorage storage)
    {
        config.Validate();
        this.config = config;
        Id = config.Id;
        Log = new RaftLog(storage, config.Applied, config.Bootstrap);
        snapshots = new SnapshotReceiver(config.MaxSnapshotBytes);
        var hard = storage.HardState;
        Term = hard.Term;
        VotedFor = hard.VotedFor;
        BecomeFollower(Term, RaftNode.None);
    }

    public int Id { get; }

    /// <summary>The configuration in force: the latest in the log, committed or not.</summary>
    public Configuration Configuration => Log.Configuration;

    /// <summary>True when this node may campaign: it is a voter in the configuration in force, and no peer said it was removed.</summary>
    public bool Promotable => Configuration.IsVoter(Id) && !toldRemoved;

    /// <summary>True when the log says this node was a member and no longer is, or a peer said so and no leader has spoken since.</summary>
    public bool Removed => Configuration.Removed(Id) || toldRemoved;

    public RaftConfig Config => config;

    public RaftLog Log { get; }

    public long Term { get; private set; }

    public int VotedFor { get; private set; }

    public int LeaderId { get; private set; }

    public Role Role { get; private set; }

    /// <summary>Non-null exactly while this node is leader.</summary>
    public Leader? Leader { get; private set; }

    public List<Message> Outbox { get; } = [];

    public List<ReadState> ReadStates { get; } = [];

    public HardState HardState => new(Term, VotedFor, Log.Committed);

    public SoftState SoftState => new(Role, LeaderId, Term);

    public void Send(Message message) => Outbox.Add(message);

    public void Tick()
    {
        if (Leader is not null)
        {
            Leader.Tick();
            return;
        }
        electionElapsed++;
        if (electionElapsed >= randomizedElectionTimeout && Promotable) Campaign();
    }

    /// <summary>Starts an election now: a pre-vote round first when <see cref="RaftConfig.PreVote"/> is on. A learner or a removed node never campaigns.</summary>
    public void Campaign()
    {
        if (Role == Role.Leader || !Promotable) return;
        if (config.PreVote) BecomePreCandidate();
        else BecomeCandidate(transfer: false);
    }

    /// <summary>
    /// A peer answered that this node was removed from the cluster (the host learns it from the peer's 410). The node
    /// stops campaigning until a leader's message shows otherwise: a removed node must not disrupt the cluster
    /// (dissertation §4.2.3), even if it missed the entry that removed it.
    /// </summary>
    public void ReportRemoved() => toldRemoved = true;

    public void Step(Message m)
    {
        if (m.To != Id || m.From == Id || m.From < 0) return;
        if (m.Term > Term && !StepHigherTerm(m)) return;
        if (m.Term < Term)
        {
            AnswerStaleTerm(m);
            return;
        }
        if (m is VoteRequest vote)
        {
            HandleVoteRequest(vote);
            return;
        }
        switch (Role)
        {
            case Role.Leader: Leader!.Step(m); break;
            case Role.Candidate or Role.PreCandidate: StepCandidate(m); break;
            default: StepFollower(m); break;
        }
    }

    /// <summary>Asks for a read index for <paramref name="requestId"/>; the answer arrives as a <see cref="ReadState"/>.</summary>
    public void ReadIndex(long requestId)
    {
        if (Leader is not null) Leader.ReadIndex(requestId, Id);
        else if (Role == Role.Follower && LeaderId != RaftNode.None) Send(new ReadIndexRequest(Id, LeaderId, Term, requestId));
        else ReadStates.Add(new ReadState(requestId, false, 0));
    }

    public void BecomeFollower(long term, int leaderId)
    {
        Reset(term);
        Role = Role.Follower;
        LeaderId = leaderId;
    }

    /// <summary>
    /// Handles a message from a later term. Returns false when the message is to be ignored: a vote request
    /// while this node has heard from a live leader recently (check-quorum's leader lease).
    /// </summary>
    private bool StepHigherTerm(Message m)
    {
        switch (m)
        {
            case VoteRequest { Transfer: false } when InLease():
                return false;
            case VoteRequest { PreVote: true }:
                return true; // A pre-vote never changes the receiver's term (§9.6).
            case VoteResponse { PreVote: true, Granted: true }:
                return true; // It echoes the term we would campaign in; a refusal's later term is adopted as any other.
            case AppendRequest or Heartbeat:
                BecomeFollower(m.Term, m.From);
                return true;
            default:
                BecomeFollower(m.Term, RaftNode.None);
                return true;
        }
    }

    /// <summary>
    /// A follower that heard from its leader within the minimum election timeout ignores vote requests, so
    /// a node that was cut off cannot depose a leader that a majority still follows.
    /// </summary>
    private bool InLease() => config.CheckQuorum && LeaderId != RaftNode.None && electionElapsed < config.ElectionTicks;

    /// <summary>
    /// Tells a sender from an older term about ours where it would otherwise be stuck: a deposed leader
    /// (its messages would just be dropped while it believes it leads), a candidate or a pre-candidate. Both are
    /// answered whatever pre-vote and check-quorum say (§5.1: every answer carries the current term), where etcd counts
    /// on the later term reaching them in a vote request: a node whose configuration leaves them out never asks them
    /// for a vote (see MembershipTests).
    /// </summary>
    private void AnswerStaleTerm(Message m)
    {
        switch (m)
        {
            case AppendRequest or Heartbeat:
                Send(new AppendResponse(Id, m.From, Term, false, 0, 0, 0));
                break;
            case VoteRequest vote:
                Send(new VoteResponse(Id, m.From, Term, vote.PreVote, false));
                break;
            case ReadIndexRequest r:
                Send(new ReadIndexResponse(Id, m.From, Term, r.RequestId, false, 0));
                break;
        }
    }

    /// <summary>
    /// §5.2 and §5.4.1: grant at most one vote per term, and only to a candidate whose log is at least as
    /// up-to-date. A pre-vote is granted on the same log check for any later term, and records nothing.
    /// </summary>
    private void HandleVoteRequest(VoteRequest m)
    {
        var canVote = VotedFor == m.From
            || (VotedFor == RaftNode.None && LeaderId == RaftNode.None)
            || (m.PreVote && m.Term > Term);
        if (canVote && Log.IsUpToDate(m.LastLogIndex, m.LastLogTerm))
        {
            Send(new VoteResponse(Id, m.From, m.Term, m.PreVote, true));
            if (m.PreVote) return;
            electionElapsed = 0;
            VotedFor = m.From;
        }
        else
        {
            Send(new VoteResponse(Id, m.From, Term, m.PreVote, false));
        }
    }

    private void StepFollower(Message m)
    {
        switch (m)
        {
            case AppendRequest append:
                HeardFromLeader(m.From);
                HandleAppend(append);
                break;
            case Heartbeat heartbeat:
                HeardFromLeader(m.From);
                Log.CommitTo(Math.Min(heartbeat.Commit, Log.LastIndex));
                Send(new HeartbeatResponse(Id, m.From, Term, heartbeat.ReadRound));
                break;
            case SnapshotChunk chunk:
                HeardFromLeader(m.From);
                HandleSnapshotChunk(chunk);
                break;
            case TimeoutNow when Promotable:
                // The leader brought our log up to date and hands over: no pre-vote (it would be refused inside the
                // voters' lease), and the vote requests say it is a transfer so that voters grant them.
                BecomeCandidate(transfer: true);
                break;
            case ReadIndexResponse read:
                ReadStates.Add(new ReadState(read.RequestId, read.Success, read.Index));
                break;
            case ReadIndexRequest read:
                Send(new ReadIndexResponse(Id, m.From, Term, read.RequestId, false, 0));
                break;
        }
    }

    /// <summary>A leader of this term reached us: whatever a peer said about our removal, the log decides now.</summary>
    private void HeardFromLeader(int leader)
    {
        electionElapsed = 0;
        LeaderId = leader;
        toldRemoved = false;
    }

    private void StepCandidate(Message m)
    {
        switch (m)
        {
            case AppendRequest or Heartbeat or SnapshotChunk:
                BecomeFollower(Term, m.From);
                StepFollower(m);
                break;
            case VoteResponse vote when vote.PreVote == (Role == Role.PreCandidate) && Configuration.IsVoter(vote.From):
                CountVote(vote.From, vote.Granted);
                break;
            case ReadIndexRequest read:
                Send(new ReadIndexResponse(Id, m.From, Term, read.RequestId, false, 0));
                break;
        }
    }

    /// <summary>§5.3: append after a matching (PrevLogIndex, PrevLogTerm), or reject with a back-tracking hint.</summary>
    private void HandleAppend(AppendRequest m)
    {
        if (m.PrevLogIndex < Log.Committed)
        {
            // Everything up to our commit index is known to match; a delayed request cannot change it.
            Send(new AppendResponse(Id, m.From, Term, true, Log.Committed, 0, 0));
            return;
        }
        if (Log.TryAppend(m.PrevLogIndex, m.PrevLogTerm, m.Entries) is long lastNew)
        {
            Log.CommitTo(Math.Min(m.LeaderCommit, lastNew));
            Send(new AppendResponse(Id, m.From, Term, true, lastNew, 0, 0));
            return;
        }
        var (hintIndex, hintTerm) = Log.FindConflictByTerm(m.PrevLogIndex, m.PrevLogTerm);
        Send(new AppendResponse(Id, m.From, Term, false, m.PrevLogIndex, hintIndex, hintTerm));
    }

    private void HandleSnapshotChunk(SnapshotChunk m)
    {
        var (received, snapshot) = snapshots.Add(m);
        Send(new SnapshotChunkResponse(Id, m.From, Term, m.SnapshotIndex, received));
        if (snapshot is not null) InstallSnapshot(m.From, snapshot);
    }

    /// <summary>
    /// Raft Figure 13: a snapshot this node already has committed changes nothing; one whose last entry this log holds
    /// with the same term keeps the entries after it (rule 7; hashicorp/raft#697 was a livelock here); otherwise the
    /// whole log is replaced (rule 8). The answer is an acknowledgement up to the snapshot's index, sent once the host
    /// has made it durable, like any other.
    /// </summary>
    private void InstallSnapshot(int leader, Snapshot snapshot)
    {
        if (snapshot.Index <= Log.Committed)
        {
            Send(new AppendResponse(Id, leader, Term, true, Log.Committed, 0, 0));
            return;
        }
        if (Log.MatchTerm(snapshot.Index, snapshot.Term)) Log.CommitTo(snapshot.Index);
        else Log.Restore(snapshot);
        Send(new AppendResponse(Id, leader, Term, true, snapshot.Index, 0, 0));
    }

    private void BecomePreCandidate()
    {
        // Neither term nor vote changes: a pre-candidate that loses leaves no trace (§9.6).
        ResetTimers();
        Leader = null;
        Role = Role.PreCandidate;
        LeaderId = RaftNode.None;
        StartVote(preVote: true, Term + 1);
    }

    private void BecomeCandidate(bool transfer)
    {
        Reset(Term + 1);
        Role = Role.Candidate;
        VotedFor = Id;
        StartVote(preVote: false, Term, transfer);
    }

    private void StartVote(bool preVote, long term, bool transfer = false)
    {
        votesGranted.Clear();
        votesRejected.Clear();
        // A node that wins alone (the only voter) became leader here and finds no one else to ask below.
        CountVote(Id, granted: true);
        foreach (var voter in Configuration.Voters)
        {
            if (voter != Id) Send(new VoteRequest(Id, voter, term, preVote, Log.LastIndex, Log.LastTerm, transfer));
        }
    }

    private void CountVote(int from, bool granted)
    {
        (granted ? votesGranted : votesRejected).Add(from);
        switch (Quorum.Tally(Configuration.Voters.Count, votesGranted.Count, votesRejected.Count))
        {
            case VoteResult.Won when Role == Role.PreCandidate:
                BecomeCandidate(transfer: false);
                break;
            case VoteResult.Won:
                BecomeLeader();
                break;
            case VoteResult.Lost:
                BecomeFollower(Term, RaftNode.None);
                break;
        }
    }

    private void BecomeLeader()
    {
        // The vote is kept: a leader has voted for itself in this term and must never vote again in it.
        ResetTimers();
        Role = Role.Leader;
        LeaderId = Id;
        Leader = new Leader(this);
        Leader.Start();
    }

    /// <summary>Moves to <paramref name="term"/>; the vote is cleared only when the term actually changes.</summary>
    private void Reset(long term)
    {
        if (term != Term)
        {
            Term = term;
            VotedFor = RaftNode.None;
        }
        LeaderId = RaftNode.None;
        ResetTimers();
        Leader?.StepDown();
        Leader = null;
    }

    private void ResetTimers()
    {
        electionElapsed = 0;
        randomizedElectionTimeout = config.ElectionTicks + config.Random.Next(config.ElectionTicks);
    }
}
