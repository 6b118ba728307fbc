namespace HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

/// <summary>
/// Network partitions between the members, Jepsen's kinds: two halves (a majority and a minority); the leader cut off
/// from everyone; one way only (a node that hears but is not heard, or is heard but does not hear); a bridge (two
/// sides that cannot talk, and one node that reaches both); and a flapping partition that comes and goes every
/// 0.2–1 s. Cut links refuse connections or black-hole them (chosen per fault). Healed all at once.
/// </summary>
internal sealed class PartitionNemesis : INemesis
{
    private const string Layer = "partition";
    // Ends the flapping and waits for it; null when not flapping.
    private Func<Task>? stopFlapping;

    public IReadOnlyList<string> Kinds { get; } = ["partition:halves", "partition:leader", "partition:one-way", "partition:bridge", "partition:flapping"];

    public async Task<NemesisFault?> StartAsync(NemesisCluster cluster, Random random, string? kind)
    {
        var ids = cluster.Members.Select(n => n.Id).ToList();
        if (ids.Count < 3) return null;
        var leader = (await cluster.Http.LeaderAsync(cluster.Running))?.Node.Id ?? Pick.One(ids, random);
        var mode = random.Next(2) == 0 ? LinkMode.Refuse : LinkMode.Blackhole;
        var shuffled = ids.OrderBy(_ => random.Next()).ToList();
        var (drawn, what, links) = (kind is null ? random.Next(Kinds.Count) : IndexOf(kind)) switch
        {
            0 => Halves("halves", shuffled),
            1 => ("leader", $"leader {leader} | {Set(ids.Where(i => i != leader))}", Between([leader], ids.Where(i => i != leader))),
            2 => OneWay(random.Next(2) == 0 ? leader : shuffled[0], ids, random.Next(2) == 0),
            3 => Bridge(shuffled),
            _ => Halves("flapping", shuffled),
        };
        var faults = links.ToDictionary(l => l, _ => new LinkFault(mode));
        if (drawn == "flapping") Flap(cluster, faults, new Random(random.Next()));
        else cluster.Network.Set(Layer, faults);
        return new NemesisFault($"partition:{drawn}", $"{what}, {mode.ToString().ToLowerInvariant()}");
    }

    public async Task HealAsync(NemesisCluster cluster)
    {
        if (stopFlapping is not null) await stopFlapping();
        stopFlapping = null;
        cluster.Network.Heal(Layer);
    }

    private int IndexOf(string kind) => Kinds.ToList().IndexOf(kind) is >= 0 and var i ? i : throw new ArgumentException($"no partition kind {kind}", nameof(kind));

    /// <summary>A minority and a majority of the shuffled members.</summary>
    private static (string, string, List<(int, int)>) Halves(string kind, List<int> shuffled)
    {
        var minority = shuffled.Take((shuffled.Count - 1) / 2).ToList();
        var majority = shuffled.Skip(minority.Count).ToList();
        return (kind, $"{Set(minority)} | {Set(majority)}", Between(minority, majority));
    }

    /// <summary>Only <paramref name="node"/>'s outgoing links (it hears, unheard) or only its incoming ones (heard, deaf).</summary>
    private static (string, string, List<(int, int)>) OneWay(int node, List<int> ids, bool outgoing)
    {
        var others = ids.Where(i => i != node).ToList();
        var links = others.Select(o => outgoing ? (node, o) : (o, node)).ToList();
        return ("one-way", outgoing ? $"node {node} → {Set(others)} dropped (it hears, unheard)" : $"{Set(others)} → node {node} dropped (it is heard, deaf)", links);
    }

    /// <summary>Two sides that cannot reach each other and the first member, which reaches both.</summary>
    private static (string, string, List<(int, int)>) Bridge(List<int> shuffled)
    {
        var rest = shuffled.Skip(1).ToList();
        var left = rest.Take(rest.Count / 2).ToList();
        var right = rest.Skip(left.Count).ToList();
        return ("bridge", $"{Set(left)} | {Set(right)}, bridged by node {shuffled[0]}", Between(left, right));
    }

    private static List<(int, int)> Between(IEnumerable<int> a, IEnumerable<int> b) =>
        [.. a.SelectMany(x => b.SelectMany(y => new[] { (x, y), (y, x) }))];

    private static string Set(IEnumerable<int> ids) => "{" + string.Join(",", ids.Order()) + "}";

    /// <summary>Cuts and heals the links in turn until healed for good.</summary>
    private void Flap(NemesisCluster cluster, Dictionary<(int, int), LinkFault> faults, Random random)
    {
        var flapping = new CancellationTokenSource();
        var stop = flapping.Token;
        var flapper = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                cluster.Network.Set(Layer, faults);
                await Task.Delay(random.Next(200, 1000), stop);
                cluster.Network.Heal(Layer);
                await Task.Delay(random.Next(200, 1000), stop);
            }
        }, stop);
        stopFlapping = async () =>
        {
            await flapping.CancelAsync();
            await flapper.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            flapping.Dispose();
        };
    }
}
