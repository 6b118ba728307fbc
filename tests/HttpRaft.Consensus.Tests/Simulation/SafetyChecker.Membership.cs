using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// The membership checks (dissertation §4). The checker keeps the configuration in force at each index of the
/// committed log, from the configuration entries as they commit, and checks what can be decided exactly from logs
/// and messages, without asking the core what it believes:
/// <list type="bullet">
/// <item>each committed configuration is exactly one single-server change from the committed one before it (one
/// learner added with the next unused id, one learner promoted, or one member removed), keeps at least one voter and
/// no more than the schedule allows; ids are therefore never reused;</item>
/// <item>one change at a time: no leader's log ever holds more than one configuration entry above the committed
/// prefix;</item>
/// <item>a leader of term T is a voter of the configuration in force in its log when it won, and voters of that
/// configuration granted it a majority of votes in term T (counted from the votes they sent, a superset of those it
/// received);</item>
/// <item>a leader's commit index only moves to an index that a majority of the voters of the configuration in force
/// in its log acknowledged in its term (learners and removed members do not count).</item>
/// </list>
/// Election Safety stays per term whatever the configurations: at most one leader in any term.
/// </summary>
internal sealed partial class SafetyChecker(Configuration bootstrap, int maxVoters)
{
    // The committed configurations, in index order; index 0 holds the bootstrap one.
    private readonly List<(long Index, Configuration Configuration)> committedConfigurations = [(0, bootstrap)];
    private readonly Dictionary<(int Voter, long Term), long> acknowledgedUpTo = [];

    /// <summary>The highest index known committed: every index up to it is.</summary>
    public long CommittedThrough { get; private set; }

    /// <summary>The membership changes that committed, by kind.</summary>
    public MembershipCounts Changes { get; } = new();

    /// <summary>The configuration in force at <paramref name="index"/> of the committed log.</summary>
    public Configuration ConfigurationAt(long index)
    {
        if (index > CommittedThrough) throw new ArgumentOutOfRangeException(nameof(index), index, $"Only indexes up to {CommittedThrough} are known committed.");
        for (var i = committedConfigurations.Count - 1; ; i--)
        {
            if (committedConfigurations[i].Index <= index) return committedConfigurations[i].Configuration;
        }
    }

    /// <summary>One change at a time (dissertation §4.1): a leader's log holds at most one configuration entry above the committed prefix.</summary>
    public static void OnLeaderLog(int node, long term, int uncommittedConfigurationEntries)
    {
        if (uncommittedConfigurationEntries > 1)
        {
            throw new SimulationFailureException($"One change at a time: leader {node} of term {term} holds {uncommittedConfigurationEntries} uncommitted configuration entries.");
        }
    }

    /// <summary>A leader's commit index reached <paramref name="commit"/>: a majority of its voters must have acknowledged it in its term.</summary>
    public void OnLeaderCommit(int node, long term, long commit, Configuration configuration)
    {
        var voters = configuration.Voters;
        // The leader's own log holds the entry (the host persisted it before the commit could be observed).
        var holders = voters.Count(v => v == node || acknowledgedUpTo.GetValueOrDefault((v, term)) >= commit);
        if (holders < voters.Count / 2 + 1)
        {
            throw new SimulationFailureException($"Leader {node} of term {term} committed {commit} with {holders} of the voters {Describe(configuration)} holding it.");
        }
    }

    /// <summary>A successful append answer vouches that the follower's log matches its leader's up to the index it names.</summary>
    private void OnAcknowledgedAppend(AppendResponse ack)
    {
        var key = (ack.From, ack.Term);
        if (ack.Index > acknowledgedUpTo.GetValueOrDefault(key)) acknowledgedUpTo[key] = ack.Index;
    }

    private void CheckElectedBy(int node, long term, Configuration configuration)
    {
        if (!configuration.IsVoter(node))
        {
            throw new SimulationFailureException($"Node {node} became leader of term {term} but is not a voter of the configuration in its log, {Describe(configuration)}.");
        }
        var votes = configuration.Voters.Count(v => v == node || voteOf.GetValueOrDefault((v, term), RaftNode.None) == node);
        if (votes < configuration.Voters.Count / 2 + 1)
        {
            throw new SimulationFailureException($"Node {node} became leader of term {term} with {votes} votes from the voters {Describe(configuration)}.");
        }
    }

    private void OnConfigurationCommitted(Entry entry)
    {
        var next = Configuration.Decode(entry.Data.Span);
        var (previousIndex, previous) = committedConfigurations[^1];
        var change = Classify(previous, next, firstEntry: previousIndex == 0);
        if (change is null)
        {
            throw new SimulationFailureException($"Committed configuration {entry.Index} {next} is not one single-server change from {previousIndex} {previous}.");
        }
        if (next.Voters.Count < 1 || next.Voters.Count > maxVoters)
        {
            throw new SimulationFailureException($"Committed configuration {entry.Index} {next} has {next.Voters.Count} voters, outside 1..{maxVoters}.");
        }
        Changes.Count(change.Value);
        committedConfigurations.Add((entry.Index, next));
    }

    /// <summary>What single-server change leads from <paramref name="previous"/> to <paramref name="next"/>, or null if none does.</summary>
    private static MembershipCounts.Kind? Classify(Configuration previous, Configuration next, bool firstEntry)
    {
        // The cluster's first leader writes the bootstrap configuration into the log unchanged.
        if (next.SameAs(previous)) return firstEntry ? MembershipCounts.Kind.Bootstrap : null;
        var added = next.Members.Where(m => !previous.Contains(m.Id)).ToList();
        var removed = previous.Members.Where(m => !next.Contains(m.Id)).ToList();
        var changed = next.Members.Where(m => previous.Find(m.Id) is { } before && before != m).ToList();
        return (added, removed, changed) switch
        {
            ([var a], [], []) when a.Id == previous.NextId && next.NextId == previous.NextId + 1 && !a.IsVoter => MembershipCounts.Kind.Added,
            ([], [var r], []) when next.NextId == previous.NextId => r.IsVoter ? MembershipCounts.Kind.RemovedVoter : MembershipCounts.Kind.RemovedLearner,
            ([], [], [var p]) when next.NextId == previous.NextId && p is { IsVoter: true, PromoteWhenCaughtUp: false } && previous.Find(p.Id) is { IsVoter: false } learner && learner.Address == p.Address =>
                learner.PromoteWhenCaughtUp ? MembershipCounts.Kind.PromotedWhenCaughtUp : MembershipCounts.Kind.Promoted,
            _ => null,
        };
    }

    private static string Describe(Configuration configuration) => $"[{string.Join(',', configuration.Voters)}]";
}
