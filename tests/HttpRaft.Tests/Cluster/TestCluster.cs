using System.Net.Http.Json;
using HttpRaft.AspNetCore;
using HttpRaft.Storage;

namespace HttpRaft.Tests.Cluster;

/// <summary>
/// Three (or more) in-process nodes on real sockets, each with its own write-ahead log in a temporary data
/// directory. Nodes can be stopped (host disposed and log closed, as if the process died) and started again on the
/// same directory. Disposing the cluster deletes the directories.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly NodeFactory?[] nodes;
    private readonly FileRaftStorage?[] disks;
    private readonly string root = Directory.CreateTempSubdirectory("httpraft-cluster-").FullName;
    private readonly Func<int, IRaftStorage, IRaftStorage> wrapStorage;

    private TestCluster(ClusterLayout layout, HttpMessageHandler? handler, Func<int, IRaftStorage, IRaftStorage>? wrapStorage)
    {
        Layout = layout;
        this.wrapStorage = wrapStorage ?? ((_, disk) => disk);
        Http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        nodes = new NodeFactory?[layout.Size];
        disks = new FileRaftStorage?[layout.Size];
    }

    public ClusterLayout Layout { get; }

    /// <summary>A client that does not follow redirects, so tests see the 307s themselves.</summary>
    public HttpClient Http { get; }

    public IEnumerable<int> RunningIds => Enumerable.Range(0, nodes.Length).Where(i => nodes[i] is not null);

    /// <summary>Cuts a node off from the others; in effect for every node of this cluster.</summary>
    public Partition Partition { get; } = new();

    /// <summary>Starts <paramref name="size"/> nodes; <paramref name="settings"/> override the layout's defaults on each.</summary>
    public static TestCluster Start(int size = 3, IReadOnlyDictionary<string, string>? settings = null)
    {
        var layout = ClusterLayout.Create(size);
        if (settings is not null) layout = layout with { Extra = [.. settings] };
        return Start(layout);
    }

    /// <summary>
    /// Starts every node of <paramref name="layout"/>; <paramref name="wrapStorage"/> may put a wrapper (to watch or
    /// stall it) around each node's log.
    /// </summary>
    public static TestCluster Start(ClusterLayout layout, HttpMessageHandler? handler = null, Func<int, IRaftStorage, IRaftStorage>? wrapStorage = null)
    {
        var size = layout.Size;
        var cluster = new TestCluster(layout, handler, wrapStorage);
        for (var id = 0; id < size; id++) cluster.StartNode(id);
        return cluster;
    }

    /// <summary>Starts node <paramref name="id"/> on its data directory, recovering whatever log it holds.</summary>
    public void StartNode(int id)
    {
        var disk = new FileRaftStorage(new StorageOptions { Directory = DataDirectory(id) });
        disks[id] = disk;
        var node = new NodeFactory(id, Layout, wrapStorage(id, disk), Partition);
        node.StartServer();
        nodes[id] = node;
    }

    /// <summary>The log node <paramref name="id"/> runs on (null while it is stopped).</summary>
    public FileRaftStorage? Disk(int id) => disks[id];

    public string DataDirectory(int id) => Path.Combine(root, $"node-{id}");

    /// <summary>Stops node <paramref name="id"/> and closes its log, releasing the data directory's lock.</summary>
    public async Task StopNodeAsync(int id)
    {
        if (nodes[id] is { } node) await node.DisposeAsync();
        nodes[id] = null;
        disks[id]?.Dispose();
        disks[id] = null;
    }

    /// <summary>Node <paramref name="id"/>'s services, to look at its state from a test.</summary>
    public IServiceProvider Services(int id) => (nodes[id] ?? throw new InvalidOperationException($"Node {id} is stopped.")).Services;

    public IRaftLog Log(int id) => (nodes[id] ?? throw new InvalidOperationException($"Node {id} is stopped.")).Log;

    public Uri Api(int id, string pathAndQuery) => new(NodeAddress.Parse(Layout.Apis[id]).ToHttpUri(), pathAndQuery);

    public Uri Peer(int id, string pathAndQuery) => new(NodeAddress.Parse(Layout.Peers[id]).ToHttpUri(), pathAndQuery);

    /// <summary>Waits until every running node names the same leader, and that leader is running and leads; returns its id.</summary>
    public async Task<int> WaitForLeaderAsync(TimeSpan? timeout = null)
    {
        int? leader = null;
        await Eventually.HoldsAsync(() => (leader = AgreedLeader()) is not null, "the running nodes to agree on a leader", timeout);
        return leader!.Value;
    }

    /// <summary>Any running node other than <paramref name="id"/>.</summary>
    public int OtherThan(int id) => RunningIds.First(i => i != id);

    /// <summary>POST /log on <paramref name="id"/>, expecting 201; returns the acknowledged index.</summary>
    public async Task<long> AppendAsync(int id, string entry)
    {
        using var response = await Http.PostAsJsonAsync(Api(id, "/log"), new { entry });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var appended = await response.Content.ReadFromJsonAsync<AppendedJson>();
        return appended!.Index;
    }

    /// <summary>Waits until a running node other than <paramref name="excluded"/> leads; returns its id.</summary>
    public async Task<int> WaitForLeaderOtherThanAsync(int excluded)
    {
        int? leader = null;
        await Eventually.HoldsAsync(
            () => (leader = RunningIds.Where(id => id != excluded).Cast<int?>().FirstOrDefault(id => Log(id!.Value).View.IsLeader)) is not null,
            $"a node other than {excluded} to lead");
        return leader!.Value;
    }

    /// <summary>The client entries GET /log returns on <paramref name="id"/>.</summary>
    public async Task<IReadOnlyList<EntryJson>> ReadLogAsync(int id)
    {
        var page = await Http.GetFromJsonAsync<PageJson>(Api(id, "/log?limit=1000"));
        return page!.Entries;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in RunningIds.ToList()) await StopNodeAsync(id);
        Http.Dispose();
        Directory.Delete(root, recursive: true);
    }

    private int? AgreedLeader()
    {
        var views = RunningIds.Select(id => Log(id).View).ToList();
        var leader = views[0].LeaderId;
        var agreed = leader >= 0 && nodes[leader] is not null && views.All(v => v.LeaderId == leader && v.Term == views[0].Term);
        return agreed && Log(leader).View.IsLeader ? leader : null;
    }
}

/// <summary>The JSON of one GET /log entry.</summary>
internal sealed record EntryJson(long Index, long Term, string Entry);

/// <summary>The JSON of a GET /log page.</summary>
internal sealed record PageJson(List<EntryJson> Entries, long CommitIndex, string? Consistency = null, long? ReadIndex = null);

/// <summary>The JSON of a 201 from POST /log.</summary>
internal sealed record AppendedJson(long Index, long Term);

/// <summary>The JSON of POST /request's answer.</summary>
internal sealed record RequestJson(bool Success, string Leader, long? Index, long? Term);
