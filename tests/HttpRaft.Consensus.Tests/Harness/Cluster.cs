namespace HttpRaft.Consensus.Tests.Harness;

/// <summary>
/// A cluster of <see cref="TestNode"/>s (ids 0..n-1) on a test network, in the spirit of etcd's raft_test.go
/// <c>network</c>: nothing happens unless the test says so. Messages a node sends wait in <see cref="InFlight"/>
/// until delivered (all of them, or those a predicate picks), dropped, or lost to a cut link.
/// </summary>
internal sealed class Cluster
{
    private readonly HashSet<(int From, int To)> cutLinks = [];
    private readonly List<Func<Message, bool>> ignored = [];
    private readonly List<TestNode> nodes;

    private Cluster(ClusterOptions options, IReadOnlyList<MemoryStorage?> disks)
    {
        Options = options;
        var members = Enumerable.Range(0, disks.Count).ToArray();
        nodes = [.. members.Select(id => new TestNode(id, members, options, disks[id]))];
    }

    public ClusterOptions Options { get; }

    public IReadOnlyList<TestNode> Nodes => nodes;

    /// <summary>
    /// Starts a node with the next id that knows no configuration, as a server joining a running cluster does: it
    /// learns the membership from the log a leader sends it, once a configuration change has added it.
    /// </summary>
    public TestNode AddNode()
    {
        var node = new TestNode(nodes.Count, [], Options);
        nodes.Add(node);
        return node;
    }

    public TestNode this[int id] => Nodes[id];

    /// <summary>Messages sent and not yet delivered, in the order they were sent.</summary>
    public List<Message> InFlight { get; } = [];

    /// <summary>Every message that reached its recipient, in delivery order: for counting round trips.</summary>
    public List<Message> Delivered { get; } = [];

    /// <summary>The node that leads in the highest term, if any.</summary>
    public TestNode? Leader => Nodes.Where(n => n.Role == Role.Leader).MaxBy(n => n.Term);

    public static Cluster Create(int size, ClusterOptions? options = null) =>
        new(options ?? ClusterOptions.Default, new MemoryStorage?[size]);

    /// <summary>A cluster whose nodes start from the given disks (see <see cref="Logs.Disk"/>).</summary>
    public static Cluster FromDisks(ClusterOptions options, params MemoryStorage[] disks) => new(options, disks);

    /// <summary>Makes <paramref name="id"/> campaign now and runs the network until quiet; returns that node.</summary>
    public TestNode Elect(int id)
    {
        Nodes[id].Raft.Campaign();
        Stabilize();
        return Nodes[id];
    }

    /// <summary>Handles <paramref name="id"/>'s pending Ready and puts what it sends on the wire.</summary>
    public void HandleReady(int id) => Send(Nodes[id].HandleReady());

    public void HandleAllReady()
    {
        foreach (var node in Nodes) HandleReady(node.Id);
    }

    /// <summary>Delivers every message, and every message those provoke, until no node has anything to say.</summary>
    public void Stabilize()
    {
        for (var round = 0; ; round++)
        {
            if (round > 10_000) throw new InvalidOperationException("The cluster did not go quiet.");
            HandleAllReady();
            if (InFlight.Count == 0) return;
            DeliverWhere(_ => true);
        }
    }

    /// <summary>Delivers (once) the in-flight messages matching <paramref name="which"/>; others stay in flight.</summary>
    public int DeliverWhere(Func<Message, bool> which)
    {
        var batch = Take(which);
        foreach (var message in batch) Deliver(message, handleReady: false);
        HandleAllReady();
        return batch.Count;
    }

    /// <summary>Steps one message into its recipient now, unless the link is cut.</summary>
    public void Deliver(Message message, bool handleReady = true)
    {
        if (IsCut(message.From, message.To) || message.To < 0 || message.To >= Nodes.Count) return;
        Delivered.Add(message);
        Nodes[message.To].Raft.Step(message);
        if (handleReady) HandleReady(message.To);
    }

    /// <summary>Removes the in-flight messages matching <paramref name="which"/> and returns them, to hold, copy or replay.</summary>
    public List<Message> Take(Func<Message, bool> which)
    {
        var taken = InFlight.Where(which).ToList();
        InFlight.RemoveAll(m => which(m));
        return taken;
    }

    /// <summary>Loses the in-flight messages matching <paramref name="which"/>.</summary>
    public int Drop(Func<Message, bool> which) => InFlight.RemoveAll(m => which(m));

    /// <summary>From now on the network loses every message matching <paramref name="which"/> as it is sent.</summary>
    public void Ignore(Func<Message, bool> which) => ignored.Add(which);

    /// <summary>Cuts every link to and from <paramref name="id"/>.</summary>
    public void Isolate(int id)
    {
        foreach (var other in Nodes) Cut(id, other.Id);
    }

    /// <summary>Cuts the link between two nodes in both directions; messages on it are lost.</summary>
    public void Cut(int a, int b)
    {
        if (a == b) return;
        cutLinks.Add((a, b));
        cutLinks.Add((b, a));
        InFlight.RemoveAll(m => IsCut(m.From, m.To));
    }

    /// <summary>Heals every cut link and stops ignoring messages.</summary>
    public void Recover()
    {
        cutLinks.Clear();
        ignored.Clear();
    }

    public bool IsCut(int from, int to) => cutLinks.Contains((from, to));

    /// <summary>Ticks one node <paramref name="times"/> times, handling its Ready after each tick (nothing is delivered).</summary>
    public void Tick(int id, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Nodes[id].Raft.Tick();
            HandleReady(id);
        }
    }

    /// <summary>Lets <paramref name="ticks"/> ticks pass: every node ticks, then the network runs until quiet.</summary>
    public void Run(int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            foreach (var node in Nodes) node.Raft.Tick();
            Stabilize();
        }
    }

    /// <summary>Runs tick by tick until <paramref name="condition"/> holds; returns the ticks it took, or fails.</summary>
    public int RunUntil(Func<bool> condition, int maxTicks = 1000)
    {
        for (var tick = 0; tick <= maxTicks; tick++)
        {
            if (condition()) return tick;
            Run(1);
        }
        throw new InvalidOperationException($"Condition not reached within {maxTicks} ticks.");
    }

    /// <summary>Crashes and restarts <paramref name="id"/>: it resumes from its disk alone (see <see cref="TestNode.Restart"/>).</summary>
    public void Restart(int id, bool replay = false) => Nodes[id].Restart(replay);

    private void Send(IEnumerable<Message> messages)
    {
        foreach (var message in messages)
        {
            if (IsCut(message.From, message.To) || ignored.Any(drop => drop(message))) continue;
            InFlight.Add(message);
        }
    }
}
