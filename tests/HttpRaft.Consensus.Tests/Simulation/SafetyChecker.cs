using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// Raft's safety properties (Raft paper Figure 3), checked incrementally as the simulation runs:
/// Election Safety, Log Matching, Leader Completeness, State Machine Safety, one vote per term across
/// restarts, and that what a client was told is committed stays committed. The membership checks are in
/// SafetyChecker.Membership.cs, the snapshot checks in SafetyChecker.Snapshots.cs. Entries a node deleted under a
/// snapshot are deleted, not lost: the checks compare the entries each log retains, and the snapshot stands for the
/// prefix below them once it is shown to match the committed prefix.
/// </summary>
internal sealed partial class SafetyChecker
{
    private readonly Dictionary<long, int> leaderOfTerm = [];
    private readonly Dictionary<(int Voter, long Term), int> voteOf = [];
    private readonly Dictionary<(long Index, long Term), ulong> chainHashAt = [];
    private readonly Dictionary<long, CommittedEntry> committed = [];
    private readonly Dictionary<long, ulong> appliedAt = [];
    private readonly Dictionary<long, Entry> acknowledged = [];
    private readonly Dictionary<int, long> lastTermOf = [];
    private readonly Dictionary<int, NodeChain> chains = [];

    public IReadOnlyDictionary<long, Entry> Acknowledged => acknowledged;

    public long MaxAcknowledgedIndex { get; private set; }

    /// <summary>Elections won: leaders of a term observed.</summary>
    public int Elections { get; private set; }

    /// <summary>Truncation entries that committed.</summary>
    public int Truncations { get; private set; }

    /// <summary>Election Safety: at most one leader per term.</summary>
    public void OnLeader(int node, long term)
    {
        if (leaderOfTerm.TryGetValue(term, out var other) && other != node)
        {
            throw new SimulationFailureException($"Election Safety: nodes {other} and {node} both led term {term}.");
        }
        leaderOfTerm[term] = node;
    }

    /// <summary>
    /// Leader Completeness: a new leader holds every entry committed in an earlier term. Also checks how it won:
    /// <paramref name="configuration"/> is the configuration in force in its log when it became leader.
    /// </summary>
    public void OnBecameLeader(int node, long term, MemoryStorage log, Configuration configuration)
    {
        OnLeader(node, term);
        Elections++;
        CheckElectedBy(node, term, configuration);
        foreach (var (index, entry) in committed)
        {
            // Below the log's first index the snapshot holds the entry: it was checked against the committed prefix.
            if (entry.ObservedInTerm >= term || index < log.FirstIndex) continue;
            if (index > log.LastIndex || log.Term(index) != entry.Term)
            {
                throw new SimulationFailureException($"Leader Completeness: leader {node} of term {term} lacks entry {index} (term {entry.Term}) committed by term {entry.ObservedInTerm}.");
            }
        }
    }

    /// <summary>A term never goes backwards on a node, even across restarts (it is persisted before use).</summary>
    public void OnTerm(int node, long term)
    {
        if (lastTermOf.TryGetValue(node, out var last) && term < last)
        {
            throw new SimulationFailureException($"Node {node} went back from term {last} to {term}.");
        }
        lastTermOf[node] = term;
    }

    /// <summary>One vote per term per voter, whatever restarts happen in between; records votes and acknowledgements.</summary>
    public void OnSend(Message message)
    {
        if (message is AppendResponse { Success: true } ack) OnAcknowledgedAppend(ack);
        if (message is not VoteResponse { PreVote: false, Granted: true } vote) return;
        var key = (vote.From, vote.Term);
        if (voteOf.TryGetValue(key, out var earlier) && earlier != vote.To)
        {
            throw new SimulationFailureException($"Node {vote.From} voted for {earlier} and then {vote.To} in term {vote.Term}.");
        }
        voteOf[key] = vote.To;
    }

    /// <summary>
    /// Log Matching: logs that hold an entry with the same index and term are identical up to it. Each
    /// persisted entry gets a hash chained over its whole prefix; equal (index, term) must mean equal chains.
    /// </summary>
    public void OnPersisted(int node, IReadOnlyList<Entry> appended)
    {
        if (appended.Count == 0) return;
        var chain = ChainOf(node);
        chain.TruncateFrom(appended[0].Index);
        foreach (var entry in appended)
        {
            var hash = chain.Append(entry);
            var key = (entry.Index, entry.Term);
            if (chainHashAt.TryGetValue(key, out var seen) && seen != hash)
            {
                throw new SimulationFailureException($"Log Matching: node {node} holds entry {entry.Index} of term {entry.Term} with a prefix that differs from another log's.");
            }
            chainHashAt[key] = hash;
        }
    }

    /// <summary>A committed index never holds two different entries, on any node, at any time.</summary>
    public void OnCommitted(int node, Entry entry, long nodeTerm)
    {
        var hash = EntryHashing.Of(entry);
        if (committed.TryGetValue(entry.Index, out var known))
        {
            if (known.Hash != hash) throw new SimulationFailureException($"Committed entry {entry.Index} changed: node {node} has term {entry.Term}, earlier term {known.Term}.");
            if (nodeTerm < known.ObservedInTerm) committed[entry.Index] = known with { ObservedInTerm = nodeTerm };
            return;
        }
        committed[entry.Index] = new CommittedEntry(entry.Term, hash, nodeTerm);
        // Every node observes its commits in index order from 1 or from a snapshot (which covers only committed
        // entries), so the first time an index is seen committed anywhere, every index below it has been seen: the
        // committed entries known here are a prefix of the log.
        if (entry.Index != CommittedThrough + 1) throw new SimulationFailureException($"Node {node} committed {entry.Index} before {CommittedThrough + 1} was known committed.");
        CommittedThrough = entry.Index;
        committedChain.Add(EntryHashing.Chain(committedChain[^1], entry));
        if (entry.Kind == EntryKind.Configuration) OnConfigurationCommitted(entry);
        if (entry.Kind == EntryKind.TruncatePrefix) Truncations++;
    }

    /// <summary>
    /// State Machine Safety: no two nodes apply different entries at the same index, and each applies the committed
    /// entry, in order (after a snapshot it restored, the entry after the snapshot's).
    /// </summary>
    public void OnApplied(int node, Entry entry, long expectedIndex)
    {
        if (entry.Index != expectedIndex) throw new SimulationFailureException($"Node {node} applied {entry.Index} when {expectedIndex} was next.");
        var hash = EntryHashing.Of(entry);
        if (appliedAt.TryGetValue(entry.Index, out var other) && other != hash)
        {
            throw new SimulationFailureException($"State Machine Safety: node {node} applied a different entry at {entry.Index}.");
        }
        appliedAt[entry.Index] = hash;
        if (!committed.TryGetValue(entry.Index, out var known)) throw new SimulationFailureException($"Node {node} applied {entry.Index} before it was known committed.");
        if (known.Hash != hash) throw new SimulationFailureException($"Node {node} applied at {entry.Index} an entry of term {entry.Term}, not the committed one of term {known.Term}.");
    }

    /// <summary>A host's state after applying up to <paramref name="index"/> is the committed prefix's, also when it started from a snapshot.</summary>
    public void OnState(int node, long index, ulong state)
    {
        if (state != committedChain[(int)index]) throw new SimulationFailureException($"Node {node}'s state after applying {index} is not the state of the committed prefix.");
    }

    /// <summary>Records that a client was told <paramref name="entry"/> committed; it must survive everything that follows.</summary>
    public void OnAcknowledged(Entry entry)
    {
        if (acknowledged.TryGetValue(entry.Index, out var earlier) && !earlier.SameAs(entry))
        {
            throw new SimulationFailureException($"Two different entries were acknowledged at index {entry.Index}.");
        }
        acknowledged[entry.Index] = entry;
        MaxAcknowledgedIndex = Math.Max(MaxAcknowledgedIndex, entry.Index);
    }

    /// <summary>
    /// The leader's bookkeeping stays consistent: for each follower, match index &lt; next index ≤ last index + 1.
    /// A stale rejection that moves next index back at or below the match index breaks this.
    /// </summary>
    public static void OnLeaderProgress(RaftStatus status)
    {
        foreach (var (peer, follower) in status.Followers)
        {
            if (follower.MatchIndex >= follower.NextIndex || follower.NextIndex > status.LastIndex + 1)
            {
                throw new SimulationFailureException($"Leader {status.Id} tracks follower {peer} with match index {follower.MatchIndex} and next index {follower.NextIndex} (last index {status.LastIndex}).");
            }
        }
    }

    /// <summary>A successful linearizable read must see every append acknowledged before the read started.</summary>
    public static void OnRead(int node, ReadState read, long acknowledgedBeforeRead)
    {
        if (read.Success && read.Index < acknowledgedBeforeRead)
        {
            throw new SimulationFailureException($"Stale read on node {node}: read index {read.Index} is below {acknowledgedBeforeRead}, acknowledged before the read began.");
        }
    }

    private NodeChain ChainOf(int node)
    {
        if (!chains.TryGetValue(node, out var chain)) chains[node] = chain = new NodeChain();
        return chain;
    }

    private readonly record struct CommittedEntry(long Term, ulong Hash, long ObservedInTerm);
}
