namespace HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

/// <summary>
/// Slow links: every link to and from one member 30–400 ms late (at the top, near an election timeout), or every link
/// 20–150 ms late. Order is kept: the proxy holds each chunk and sends them in turn.
/// </summary>
internal sealed class DelayNemesis : INemesis
{
    private const string Layer = "delay";

    public IReadOnlyList<string> Kinds { get; } = ["delay:all", "delay:node"];

    public async Task<NemesisFault?> StartAsync(NemesisCluster cluster, Random random, string? kind)
    {
        var ids = cluster.Members.Select(n => n.Id).ToList();
        if (ids.Count < 2) return null;
        var links = ids.SelectMany(a => ids.Where(b => b != a).Select(b => (a, b))).ToList();
        if ((kind ?? Pick.One(Kinds, random)) == "delay:all")
        {
            var ms = random.Next(20, 151);
            cluster.Network.Set(Layer, links.ToDictionary(l => l, _ => new LinkFault(LinkMode.Delay, ms)));
            return new NemesisFault("delay:all", $"{ms} ms on every link");
        }
        if (await Pick.VictimAsync(cluster, random) is not { } victim) return null;
        var (node, isLeader) = victim;
        var delay = random.Next(30, 401);
        cluster.Network.Set(Layer, links.Where(l => l.a == node.Id || l.b == node.Id).ToDictionary(l => l, _ => new LinkFault(LinkMode.Delay, delay)));
        return new NemesisFault("delay:node", $"{delay} ms on every link of {Pick.Named(node, isLeader)}");
    }

    public Task HealAsync(NemesisCluster cluster)
    {
        cluster.Network.Heal(Layer);
        return Task.CompletedTask;
    }
}
