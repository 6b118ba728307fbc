using System.Text;
using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// One seeded run: a cluster of 1 to 7 voters on a simulated clock and network, driven through a random schedule
/// of proposals, reads, leadership transfers, membership changes (learners added, promoted, members removed),
/// drops, delays, duplicates, partitions, crashes and restarts, log compaction (each node's own, and truncations every
/// node carries out) and outages long enough that a node must catch up from a snapshot, with every safety property
/// checked after every step; then the faults heal, and a leader must be elected, commit and bring every member up to
/// date within bounds derived from the timing settings (SimulationRun.Liveness.cs). Everything random comes from the
/// seed, so a seed replays exactly.
/// </summary>
internal sealed partial class SimulationRun
{
    /// <summary>Simulated time units per Raft tick; messages take 1–8 units, so a round trip is under a tick.</summary>
    private const int UnitsPerTick = 10;
    private const int ChaosTicks = 300;
    /// <summary>The schedule keeps every configuration between 1 and this many voters.</summary>
    private const int MaxVoters = 7;

    private readonly int seed;
    private readonly Random random;
    private readonly List<SimNode> nodes;
    private readonly Func<RaftConfig, RaftConfig> configure;
    private readonly SimNetwork network;
    private readonly SafetyChecker checker;
    private readonly FaultProfile profile;
    private readonly Dictionary<(int Node, long Index), long> waitingClients = [];
    private readonly Dictionary<long, (int Node, long AcknowledgedBefore)> waitingReads = [];
    private readonly Queue<string> recentEvents = new();
    private readonly TextWriter? trace;
    private long now;
    private long step;
    private long nextRequestId;
    private int proposals;

    public SimulationRun(int seed, TextWriter? trace = null)
    {
        this.seed = seed;
        this.trace = trace;
        random = new Random(seed);
        var size = 1 + random.Next(MaxVoters);
        var bootstrap = Configuration.Bootstrap([.. Enumerable.Range(0, size)]);
        ClusterSize = size;
        configure = RandomConfig();
        nodes = [.. bootstrap.Voters.Select(id => new SimNode(id, bootstrap, random.Next(UnitsPerTick), configure))];
        checker = new SafetyChecker(bootstrap, MaxVoters);
        network = new SimNetwork(random, size)
        {
            DropRate = random.NextDouble() * 0.2,
            DuplicateRate = random.NextDouble() * 0.1,
            LongDelayRate = random.NextDouble() * 0.1,
        };
        profile = FaultProfile.Draw(random);
        foreach (var node in nodes) node.Start(random.Next());
        Log($"cluster of {size}, drop {network.DropRate:F2}, duplicate {network.DuplicateRate:F2}, long delay {network.LongDelayRate:F2}");
        Log($"faults: {profile}");
    }

    /// <summary>The voters the cluster started with.</summary>
    public int ClusterSize { get; }

    public int AcknowledgedCount => checker.Acknowledged.Count;

    public long Steps => step;

    /// <summary>Leadership transfers the schedule started.</summary>
    public int Transfers { get; private set; }

    /// <summary>Elections won.</summary>
    public int Elections => checker.Elections;

    /// <summary>Snapshot transfers a leader started (first pieces sent, resends from the start included).</summary>
    public int SnapshotsSent { get; private set; }

    /// <summary>Leaders' snapshots that nodes installed.</summary>
    public int SnapshotsInstalled { get; private set; }

    /// <summary>Logs compacted: on a node's own, for a truncation, or before a long outage ends.</summary>
    public int Compactions { get; private set; }

    /// <summary>Truncation entries that committed.</summary>
    public int Truncations => checker.Truncations;

    /// <summary>Faults struck at an interesting moment (see <see cref="MaybeStrike"/>).</summary>
    public int Strikes { get; private set; }

    /// <summary>The membership changes that committed, by kind.</summary>
    public MembershipCounts Changes => checker.Changes;

    /// <summary>Runs the whole schedule; throws <see cref="SimulationFailureException"/> naming the seed and step on any violation.</summary>
    public void Run()
    {
        try
        {
            RunChaos();
            HealEverything();
            CheckConverged(RunUntilLive());
        }
        catch (Exception e) when (e is SimulationFailureException or InvalidOperationException or ArgumentException)
        {
            throw new SimulationFailureException(
                $"Simulation seed {seed} failed at step {step} (tick {now / UnitsPerTick}): {e.Message}\n" +
                $"Replay: HTTPRAFT_SIM_SEED={seed} HTTPRAFT_SIM_TRACE=1 dotnet test --filter FullyQualifiedName~ReplaySeed\n" +
                $"Last events:\n{string.Join('\n', recentEvents)}\n{(e is SimulationFailureException ? "" : e.ToString())}");
        }
    }

    private Func<RaftConfig, RaftConfig> RandomConfig()
    {
        var defaults = random.NextDouble() < 0.75;
        var preVote = defaults || random.Next(2) == 0;
        var checkQuorum = defaults || random.Next(2) == 0;
        var maxInflight = 1 + random.Next(8);
        var maxBytes = random.Next(3) == 0 ? 100 : 1 << 20;
        // Small batches of committed entries leave applying behind committing, across snapshots and truncations.
        var maxCommitted = random.Next(3) == 0 ? 150 : 16 << 20;
        Log($"preVote {preVote}, checkQuorum {checkQuorum}, maxInflight {maxInflight}, maxBytesPerMessage {maxBytes}, maxCommittedBytesPerReady {maxCommitted}");
        return c => new RaftConfig
        {
            Id = c.Id,
            Bootstrap = c.Bootstrap,
            Random = c.Random,
            Applied = c.Applied,
            PreVote = preVote,
            CheckQuorum = checkQuorum,
            MaxInflightMessages = maxInflight,
            MaxBytesPerMessage = maxBytes,
            MaxCommittedBytesPerReady = maxCommitted,
        };
    }

    private void RunChaos()
    {
        for (; now < ChaosTicks * UnitsPerTick; now++)
        {
            InjectFault();
            MaybeChangeMembership();
            MaybeActAsClient();
            DeliverDue();
            TickDue();
        }
    }

    private void HealEverything()
    {
        Log("heal: network reliable, every node up, no more membership requests");
        request = null;
        network.Heal();
        network.MakeReliable();
        foreach (var node in nodes.Where(n => !n.IsUp)) Restart(node);
    }

    /// <summary>The node committed the entry, or a snapshot covers it (checked against the committed prefix when taken or installed).</summary>
    private static bool HasCommitted(SimNode node, long index, long term) =>
        node.Raft!.CommitIndex >= index && (index < node.Storage.FirstIndex || (node.Storage.LastIndex >= index && node.Storage.Term(index) == term));

    /// <summary>
    /// At the end every log, removed nodes' included, agrees with the leader's up to its commit index where both still
    /// hold entries, and every member of the committed configuration holds every acknowledged entry where it was
    /// acknowledged, or a snapshot past it (deleted, not lost: the snapshot was checked against the committed prefix).
    /// </summary>
    private void CheckConverged(SimNode leader)
    {
        var reference = leader.Storage;
        var members = checker.ConfigurationAt(checker.CommittedThrough);
        foreach (var node in nodes)
        {
            var from = Math.Max(node.Storage.FirstIndex, reference.FirstIndex);
            var to = Math.Min(Math.Min(node.Raft!.CommitIndex, node.Storage.LastIndex), reference.LastIndex);
            for (var index = from; index <= to; index++)
            {
                if (!node.EntryAt(index).SameAs(leader.EntryAt(index))) throw new SimulationFailureException($"Logs of nodes {leader.Id} and {node.Id} differ at committed index {index}.");
            }
            if (!members.Contains(node.Id)) continue;
            foreach (var (index, entry) in checker.Acknowledged)
            {
                if (index < node.Storage.FirstIndex) continue;
                if (index > node.Storage.LastIndex || !node.EntryAt(index).SameAs(entry))
                {
                    throw new SimulationFailureException($"Acknowledged entry {index} is missing from member {node.Id}.");
                }
            }
        }
    }

    private void Log(string message)
    {
        var line = $"[{step} t{now / UnitsPerTick}.{now % UnitsPerTick}] {message}";
        trace?.WriteLine(line);
        recentEvents.Enqueue(line);
        if (recentEvents.Count > 60) recentEvents.Dequeue();
    }
}
