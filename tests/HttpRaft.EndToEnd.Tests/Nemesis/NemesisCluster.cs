using System.Globalization;
using System.Text;
using System.Text.Json;
using HttpRaft.Testing;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>
/// Real HttpRaft processes behind a <see cref="FaultNetwork"/>: every member's peer address is a <see cref="PeerProxy"/>
/// and each node listens behind its proxy (<c>HttpRaft__PeerListen</c>), so every directed peer link can be faulted.
/// Clients reach the API ports directly. Nodes can be killed and restarted on their data directories, paused with
/// SIGSTOP, given a slow or stalled disk, joined with <c>--join</c> and retired once removed.
/// </summary>
internal sealed class NemesisCluster : IAsyncDisposable
{
    private readonly string root = TempDirectory.Create("nemesis");
    private readonly List<NemesisNode> nodes = [];

    private NemesisCluster()
    {
    }

    public FaultNetwork Network { get; } = new();

    /// <summary>HTTP for the harness and the clients, with no redirects followed and no overall timeout (each call sets its own).</summary>
    public NodeHttp Http { get; } = new();

    /// <summary>Every node ever started, in order.</summary>
    public IReadOnlyList<NemesisNode> Nodes
    {
        get
        {
            lock (nodes) return [.. nodes];
        }
    }

    /// <summary>The nodes with an id that were not removed.</summary>
    public IReadOnlyList<NemesisNode> Members => [.. Nodes.Where(n => n.IsMember)];

    /// <summary>Members whose process runs and is not paused.</summary>
    public IReadOnlyList<NemesisNode> Running => [.. Members.Where(n => n.State == NodeState.Running)];

    /// <summary>Writes one <c>peers.json</c> naming the proxies as peer addresses and starts <paramref name="size"/> nodes.</summary>
    public static NemesisCluster Start(int size)
    {
        var cluster = new NemesisCluster();
        var ports = FreePorts.Take(2 * size);
        var proxies = Enumerable.Range(0, size).Select(id => cluster.Network.Listen(ports[id], id)).ToList();
        var apis = ports.Skip(size).Select(p => $"127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}").ToList();
        var config = LocalCluster.PeersJson(proxies.Select(p => p.Address), apis);
        for (var id = 0; id < size; id++)
        {
            var directory = Directory.CreateDirectory(Path.Combine(cluster.root, $"node-{id}")).FullName;
            File.WriteAllText(Path.Combine(directory, "peers.json"), config);
            cluster.Launch(new NemesisNode(apis[id], proxies[id], ports[id], directory, [Repository.HttpRaftDll, id.ToString(CultureInfo.InvariantCulture)]) { Id = id });
        }
        return cluster;
    }

    /// <summary>Starts a new node with <c>--join</c> through <paramref name="through"/>; it gets its id when the join is committed.</summary>
    public NemesisNode StartJoining(NemesisNode through)
    {
        var ports = FreePorts.Take(2);
        var proxy = Network.Listen(ports[0], targetId: -1);
        var api = $"127.0.0.1:{ports[1].ToString(CultureInfo.InvariantCulture)}";
        var directory = Directory.CreateDirectory(Path.Combine(root, $"joined-{Nodes.Count}")).FullName;
        string[] arguments = [Repository.HttpRaftDll, "--join", $"http://{through.Api}", "--peer", proxy.Address, "--api", api, "--data-dir", Path.Combine(directory, "data")];
        var node = new NemesisNode(api, proxy, ports[0], directory, arguments);
        Launch(node);
        return node;
    }

    /// <summary>Gives joining nodes the id their <c>member.json</c> names; a join that exited without one is gone.</summary>
    public void AdoptJoined()
    {
        foreach (var node in Nodes.Where(n => n.Id < 0 && n.State != NodeState.Gone))
        {
            var file = Path.Combine(node.Directory, "data", "member.json");
            if (File.Exists(file) && ReadId(file) is { } id)
            {
                node.Id = id;
                node.Proxy.TargetId = id;
            }
            else if (node.Process is { HasExited: true })
            {
                node.State = NodeState.Gone;
            }
        }
    }

    /// <summary>
    /// After a heal: gives joined nodes their ids, and stops the members that are no longer members (a removal whose
    /// answer was lost): those that say so themselves, and those the configuration of a leader of the latest term omits.
    /// Returns what it stopped.
    /// </summary>
    public async Task<IReadOnlyList<NemesisNode>> ReconcileAsync()
    {
        AdoptJoined();
        var statuses = await Task.WhenAll(Members.Select(async n => (Node: n, Status: await Http.StatusAsync(n, TimeSpan.FromSeconds(3)))));
        var gone = statuses.Where(s => s.Status?.Role == "removed").Select(s => s.Node).ToList();
        // Not MaxBy: on no leader at all it throws for a tuple (a value type) rather than give the default.
        var latest = statuses.Where(s => s.Status is { IsLeader: true }).OrderByDescending(s => s.Status!.Term).FirstOrDefault();
        if (latest.Node is not null && latest.Status!.Term >= statuses.Max(s => s.Status?.Term ?? 0) && await Http.ClusterAsync(latest.Node) is { } view)
        {
            gone.AddRange(Members.Where(n => view.Members.All(m => m.Id != n.Id)));
        }
        foreach (var node in gone.Distinct()) node.Retire();
        return [.. gone.Distinct()];
    }

    /// <summary>Starts a killed node again on its data directory.</summary>
    public async Task RestartAsync(NemesisNode node)
    {
        if (node.State != NodeState.Killed) return;
        if (node.Process is { } old) await old.DisposeAsync();
        Launch(node);
    }

    /// <summary>How long a restarted process may take to answer; past it the schedule goes on (and the recovery shows it).</summary>
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);

    /// <summary>Waits until <paramref name="node"/> answers <c>GET /status</c>, up to <see cref="StartDeadline"/>; false if it did not.</summary>
    public Task<bool> WaitServingAsync(NemesisNode node) =>
        Poll.WithinAsync(async () => node.State != NodeState.Running || await Http.StatusAsync(node, TimeSpan.FromSeconds(2)) is not null, StartDeadline);

    /// <summary>The last lines of every node's output, for a failure message.</summary>
    public string Transcripts(int lines)
    {
        var text = new StringBuilder();
        foreach (var node in Nodes.Where(n => n.Process is not null))
        {
            text.Append("----- ").Append(node).AppendLine(" -----");
            foreach (var line in node.Process!.Transcript().Split('\n').TakeLast(lines)) text.AppendLine(line.TrimEnd());
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) node.Process?.Kill();
        foreach (var node in Nodes)
        {
            if (node.Process is { } process) await process.DisposeAsync();
        }
        await Network.DisposeAsync();
        Http.Dispose();
        TempDirectory.Delete(root);
    }

    private void Launch(NemesisNode node)
    {
        var environment = new Dictionary<string, string>
        {
            ["HttpRaft__PeerListen"] = node.PeerListen,
            ["HttpRaft__Faults__DiskFile"] = node.DiskFile,
        };
        if (!File.Exists(node.DiskFile)) node.SetDisk("ok");
        node.Process = ChildProcess.Start(node.ToString(), Repository.DotnetHost, node.Arguments, node.Directory, environment);
        node.State = NodeState.Running;
        lock (nodes)
        {
            if (!nodes.Contains(node)) nodes.Add(node);
        }
    }

    private static int? ReadId(string file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.GetProperty("id").GetInt32();
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
        {
            return null; // Being written: the next look finds it whole (it is renamed into place).
        }
    }
}
