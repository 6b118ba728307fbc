namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>What a directed peer link does with the connections its sender opens.</summary>
internal enum LinkMode
{
    /// <summary>Forwards every byte at once.</summary>
    Pass,

    /// <summary>Closes each connection as soon as it says who sends: the sender sees resets and reconnects (a host that is down).</summary>
    Refuse,

    /// <summary>Accepts and reads the connection but forwards nothing and answers nothing (packets dropped, as iptables DROP).</summary>
    Blackhole,

    /// <summary>Forwards every byte after a fixed delay, in order.</summary>
    Delay,
}

/// <summary>A directed link's fault: its mode and, for <see cref="LinkMode.Delay"/>, the delay.</summary>
internal readonly record struct LinkFault(LinkMode Mode, int DelayMs = 0)
{
    public static readonly LinkFault None = new(LinkMode.Pass);
}

/// <summary>
/// The faults of every directed peer link (sender id → receiver id) and the connections the <see cref="PeerProxy"/>s
/// carry for them. Each nemesis sets its own layer of faults, so a partition and a delay compose; a link takes the worst
/// fault of any layer. Changing a link's fault closes its open connections: the nodes keep one pooled keep-alive
/// stream per peer, which a proxy that only refused new connections would never touch (etcd's robustness tests hit
/// exactly that).
/// </summary>
internal sealed class FaultNetwork : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly List<PeerProxy> proxies = [];
    private readonly HashSet<ProxyConnection> open = [];
    private readonly Dictionary<string, IReadOnlyDictionary<(int From, int To), LinkFault>> layers = [];
    private Dictionary<(int From, int To), LinkFault> faults = [];

    /// <summary>Connections closed because their link's fault changed.</summary>
    public int ClosedByFaults { get; private set; }

    /// <summary>A proxy listening on a new loopback port that forwards to <paramref name="targetPort"/>, the node's real peer port.</summary>
    public PeerProxy Listen(int targetPort, int targetId)
    {
        var proxy = new PeerProxy(this, targetPort) { TargetId = targetId };
        lock (gate) proxies.Add(proxy);
        return proxy;
    }

    /// <summary>Replaces <paramref name="layer"/>'s faults and closes the connections of every link whose fault changed.</summary>
    public void Set(string layer, IReadOnlyDictionary<(int From, int To), LinkFault> next)
    {
        List<ProxyConnection> changed;
        lock (gate)
        {
            layers[layer] = next;
            var previous = faults;
            faults = [];
            foreach (var (link, fault) in layers.Values.SelectMany(l => l).Where(f => f.Value != LinkFault.None))
            {
                faults[link] = Worse(faults.GetValueOrDefault(link, LinkFault.None), fault);
            }
            changed = [.. open.Where(c => previous.GetValueOrDefault(c.Link, LinkFault.None) != faults.GetValueOrDefault(c.Link, LinkFault.None))];
            ClosedByFaults += changed.Count;
        }
        foreach (var connection in changed) connection.Close();
    }

    /// <summary>Every link of <paramref name="layer"/> passes again.</summary>
    public void Heal(string layer) => Set(layer, new Dictionary<(int, int), LinkFault>());

    /// <summary>Refusing or black-holing beats delaying, which beats passing; of two delays the longer.</summary>
    private static LinkFault Worse(LinkFault a, LinkFault b) =>
        a.Mode is LinkMode.Refuse or LinkMode.Blackhole ? a
        : b.Mode is LinkMode.Refuse or LinkMode.Blackhole ? b
        : a.DelayMs >= b.DelayMs ? a : b;
    /// <summary>Registers a connection that named its sender, and returns its link's fault at that moment (a later change closes it).</summary>
    internal LinkFault Open(ProxyConnection connection)
    {
        lock (gate)
        {
            open.Add(connection);
            return faults.GetValueOrDefault(connection.Link, LinkFault.None);
        }
    }

    internal void Closed(ProxyConnection connection)
    {
        lock (gate) open.Remove(connection);
    }

    public async ValueTask DisposeAsync()
    {
        List<PeerProxy> all;
        List<ProxyConnection> connections;
        lock (gate)
        {
            all = [.. proxies];
            connections = [.. open];
        }
        foreach (var proxy in all) await proxy.DisposeAsync();
        foreach (var connection in connections) connection.Close();
    }
}
