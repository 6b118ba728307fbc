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
    private readonly Dictionary<int, NodeFactory> nodes = [];
    private readonly Dictionary<int, FileRaftStorage> disks = [];
    private readonly string root = Directory.CreateTempSubdirectory("httpraft-cluster-").FullName;
    private readonly Func<int, IRaftStorage, IRaftStorage> wrapStorage;

    private TestCluster(ClusterLayout layout, HttpMessageHandler? handler, Func<int, IRaftStorage, IRaftStorage>? wrapStorage)
    {
        Layout = layout;
        this.wrapStorage = wrapStorage ?? ((_, disk) => disk);
        Http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public ClusterLayout Layout { get; private set; }

    /// <summary>A client that does not follow redirects, so tests see the 307s themselves.</summary>
    public HttpClient Http { get; }

    public IEnumerable<int> RunningIds
    {
        get
        {
            lock (nodes) return [.. nodes.Keys.Order()];
        }
    }

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
        var disk = new FileRaftStorage(new StorageOptions { Directory = DataDirectory(id), SegmentBytes = SegmentBytes() });
        var node = new NodeFactory(id, Layout, wrapStorage(id, disk), Partition);
        node.StartServer();
        lock (nodes)
        {
            disks[id] = disk;
            nodes[id] = node;
        }
    }

    /// <summary>The log node <paramref name="id"/> runs on (null while it is stopped).</summary>
    public FileRaftStorage? Disk(int id)
    {
        lock (nodes) return disks.GetValueOrDefault(id);
    }

    public string DataDirectory(int id) => Path.Combine(root, $"node-{id}");

    /// <summary>Stops node <paramref name="id"/> and closes its log, releasing the data directory's lock.</summary>
    public async Task StopNodeAsync(int id)
    {
        NodeFactory? node;
        FileRaftStorage? disk;
        lock (nodes)
        {
            nodes.Remove(id, out node);
            disks.Remove(id, out disk);
        }
        if (node is not null) await node.DisposeAsync();
        disk?.Dispose();
    }

    /// <summary>Node <paramref name="id"/>'s services, to look at its state from a test.</summary>
    public IServiceProvider Services(int id) => Node(id).Services;

    public IRaftLog Log(int id) => Node(id).Log;

    public Uri Api(int id, string pathAndQuery) => new(NodeAddress.Parse(Layout.ApiOf(id)).ToHttpUri(), pathAndQuery);

    public Uri Peer(int id, string pathAndQuery) => new(NodeAddress.Parse(Layout.PeerOf(id)).ToHttpUri(), pathAndQuery);

    /// <summary>
    /// Adds a new node to the running cluster as an operator does: <c>POST /cluster/members</c> on the leader (a learner,
    /// promoted by the leader once caught up when <paramref name="voter"/>), then starts it on free ports with the id it
    /// was given and an empty data directory. Returns its id.
    /// </summary>
    public async Task<int> JoinNodeAsync(bool voter = true)
    {
        var (peer, api) = ClusterLayout.FreeAddresses();
        var leader = await WaitForLeaderAsync();
        using var response = await Http.PostAsJsonAsync(Api(leader, "/cluster/members"), new { peer, api, role = voter ? "voter" : "learner" });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<MemberJson>())!.Id;
        Layout = Layout.WithJoined(id, peer, api);
        StartNode(id);
        return id;
    }

    /// <summary>The node's own <c>SegmentBytes</c> setting, which the test's storage must honour as the host's would.</summary>
    private long SegmentBytes()
    {
        var setting = Layout.Extra.LastOrDefault(s => s.Key.Equals("HttpRaft:SegmentBytes", StringComparison.OrdinalIgnoreCase));
        return setting.Value is { } value ? long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : new StorageOptions { Directory = "." }.SegmentBytes;
    }

    private NodeFactory Node(int id)
    {
        lock (nodes) return nodes.GetValueOrDefault(id) ?? throw new InvalidOperationException($"Node {id} is stopped.");
    }

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
        // Removed nodes are not part of the cluster any more: they need not agree.
        var views = RunningIds.Select(id => Log(id).View).Where(v => !v.Removed).ToList();
        if (views.Count == 0) return null;
        var leader = views[0].LeaderId;
        bool running;
        lock (nodes) running = nodes.ContainsKey(leader);
        var agreed = leader >= 0 && running && views.All(v => v.LeaderId == leader && v.Term == views[0].Term);
        return agreed && Log(leader).View.IsLeader ? leader : null;
    }
}

/// <summary>The JSON of one GET /log entry.</summary>
internal sealed record EntryJson(long Index, long Term, string Entry);

/// <summary>The JSON of a GET /log page.</summary>
internal sealed record PageJson(List<EntryJson> Entries, long CommitIndex, string? Consistency = null, long? ReadIndex = null);

/// <summary>The JSON of a 201 from POST /log.</summary>
internal sealed record AppendedJson(long Index, long Term);

/// <summary>A member as the cluster routes show it.</summary>
internal sealed record MemberJson(int Id, string Peer, string Api, string Role, long? MatchIndex = null, long? Lag = null, long? LastContactMs = null);

/// <summary>The leader as GET /cluster names it.</summary>
internal sealed record ClusterLeaderJson(int Id, string Api);

/// <summary>The JSON of GET /cluster.</summary>
internal sealed record ClusterJson(ClusterLeaderJson? Leader, long Term, long ConfigIndex, int FailureTolerance, List<MemberJson> Members);

/// <summary>The JSON of POST /request's answer.</summary>
internal sealed record RequestJson(bool Success, string Leader, long? Index, long? Term);
