using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HttpRaft.Testing;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>One node of a <see cref="LocalCluster"/>: its id, addresses, working directory and process.</summary>
internal sealed record ClusterNode(int Id, string Api, string Peer, string WorkingDirectory, ChildProcess Process)
{
    /// <summary>True for a node that joined with <c>--join</c>: it restarts from the member.json in its data directory.</summary>
    public bool Joined { get; init; }

    /// <summary>Where the node keeps its log: a bootstrap node's default <c>data/node-&lt;id&gt;</c> lies inside, a joined node's <c>--data-dir data</c> is it.</summary>
    public string DataDirectory => Path.Combine(WorkingDirectory, "data");

    public Uri ApiUri(string pathAndQuery) => new($"http://{Api}{pathAndQuery}");
}

/// <summary>The leader as <c>GET /status</c> names it: its id and API address.</summary>
internal sealed record NodeRef(int Id, string Api);

/// <summary>
/// What <c>GET /status</c> reports (docs/design.md §3); <see cref="Leader"/> is null while none is known;
/// <see cref="FirstIndex"/> is 1 until a cut deleted the log's prefix (docs/design.md §8).
/// </summary>
internal sealed record NodeStatus(int Id, string Role, long Term, NodeRef? Leader, long CommitIndex, long LastIndex, long FirstIndex = 1)
{
    public bool IsLeader => Role.Equals("leader", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What <c>GET /cluster</c> reports (docs/api.md): the membership as the node knows it.</summary>
internal sealed record ClusterView(NodeRef? Leader, long Term, long ConfigIndex, int FailureTolerance, List<MemberView> Members)
{
    public MemberView? Member(int id) => Members.FirstOrDefault(m => m.Id == id);
}

/// <summary>One member in <c>GET /cluster</c>; the progress fields are there on the leader only.</summary>
internal sealed record MemberView(int Id, string Peer, string Api, string Role, long? MatchIndex, long? Lag, long? LastContactMs)
{
    public bool IsVoter => Role == "voter";
}

/// <summary>One entry of <c>GET /log</c>.</summary>
internal sealed record LogEntry(long Index, long Term, string Entry);

/// <summary>An append a node acknowledged with 201: the entry is committed at this index and term.</summary>
internal sealed record Acknowledged(long Index, long Term, string Entry);

/// <summary>
/// A cluster of real HttpRaft processes started the way the README does: each node in its own working
/// directory holding a <c>peers.json</c> (on free loopback ports), run as <c>dotnet HttpRaft.dll &lt;id&gt;</c>.
/// More nodes can join as docs/operations.md describes (<see cref="JoinAsync"/>).
/// Disposing it kills every node and deletes the directories.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string root;
    private readonly IReadOnlyDictionary<string, string>? environment;
    // Replaced, never changed in place: writers pick nodes from it while a test restarts or adds one.
    private volatile ClusterNode[] nodes;

    private LocalCluster(string root, IEnumerable<ClusterNode> nodes, IReadOnlyDictionary<string, string>? environment)
    {
        this.root = root;
        this.nodes = [.. nodes];
        this.environment = environment;
    }

    /// <summary>
    /// The nodes as they run now, in the order they were started: the bootstrap nodes at their ids, then the ones that
    /// joined (a restarted node is a new <see cref="ClusterNode"/> in the same place; a killed one stays).
    /// </summary>
    public IReadOnlyList<ClusterNode> Nodes => nodes;

    /// <summary>A client that does not follow redirects, so the tests see the 307s themselves.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>
    /// Writes <c>peers.json</c> for <paramref name="size"/> nodes on free ports and starts every node, each with
    /// <paramref name="environment"/> added to its environment (settings such as <c>HttpRaft__ApiKeys__0__Key</c>).
    /// </summary>
    public static LocalCluster Start(int size, IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = TempDirectory.Create("cluster");
        var ports = FreePorts.Take(2 * size);
        var peers = ports.Take(size).Select(p => $"localhost:{p}").ToArray();
        var apis = ports.Skip(size).Select(p => $"localhost:{p}").ToArray();
        var config = PeersJson(peers, apis);
        var nodes = new List<ClusterNode>();
        for (var id = 0; id < size; id++)
        {
            var directory = Directory.CreateDirectory(Path.Combine(root, $"node-{id}")).FullName;
            File.WriteAllText(Path.Combine(directory, "peers.json"), config);
            nodes.Add(new ClusterNode(id, apis[id], peers[id], directory, StartProcess($"node {id}", directory, [Id(id)], environment)));
        }
        return new LocalCluster(root, nodes, environment);
    }

    /// <summary>
    /// Starts node <paramref name="id"/> again in its working directory (so on its data directory) after it was
    /// killed; the old process is reaped first. Returns the node as it runs now.
    /// </summary>
    public async Task<ClusterNode> RestartAsync(int id)
    {
        var at = Array.FindIndex(nodes, n => n.Id == id);
        var old = nodes[at];
        await old.Process.DisposeAsync();
        var restarted = old with { Process = StartProcess($"node {id}", old.WorkingDirectory, old.Joined ? ["--data-dir", "data"] : [Id(id)], environment) };
        var replaced = (ClusterNode[])nodes.Clone();
        replaced[at] = restarted;
        nodes = replaced;
        return restarted;
    }

    /// <summary>
    /// Starts a new node that joins the running cluster as docs/operations.md describes: in a new working directory
    /// with no <c>peers.json</c>, on free ports, as <c>dotnet HttpRaft.dll --join http://&lt;via&gt; --peer … --api …
    /// --data-dir data</c>. Returns once the node has joined (the leader gave it an id: it then starts listening and
    /// answers <c>GET /status</c>); it joins as a learner that the leader promotes once it has caught up.
    /// </summary>
    /// <remarks>
    /// With <paramref name="addresses"/> of a member added earlier through <c>POST /cluster/members</c>, the node finds
    /// itself a member already and takes that member's id (and role: a learner stays one until promoted).
    /// </remarks>
    public async Task<ClusterNode> JoinAsync(ClusterNode via, TimeSpan timeout, (string Peer, string Api)? addresses = null)
    {
        var (peer, api) = addresses ?? FreeAddresses();
        var directory = Directory.CreateDirectory(Path.Combine(root, $"joined-{api.Replace(':', '-')}")).FullName;
        var process = StartProcess($"joining node at {api}", directory, ["--join", $"http://{via.Api}", "--peer", peer, "--api", api, "--data-dir", "data"], environment);
        var joining = new ClusterNode(-1, api, peer, directory, process) { Joined = true };
        NodeStatus? status = null;
        await Poll.UntilAsync(
            async () => process.HasExited || (status = await TryStatusAsync(joining)) is not null,
            timeout,
            $"the node at {api} to join through node {via.Id}");
        if (status is null) Assert.Fail($"the joining node exited with {process.ExitCode}:\n{process.Transcript()}");
        var joined = joining with { Id = status.Id };
        nodes = [.. nodes, joined];
        return joined;
    }

    /// <summary>A peer and an API address on loopback ports that were free a moment ago, for a node to come.</summary>
    public static (string Peer, string Api) FreeAddresses()
    {
        var ports = FreePorts.Take(2);
        return ($"localhost:{ports[0]}", $"localhost:{ports[1]}");
    }

    /// <summary>
    /// SIGTERM to <paramref name="node"/> (a graceful stop: a leader hands over first) and waits for it to exit;
    /// returns how long that took. Fails the test unless it exits with 0 within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<TimeSpan> StopAsync(ClusterNode node, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        node.Process.Terminate();
        var exitCode = await node.Process.WaitForExitAsync(timeout);
        Assert.True(exitCode == 0, $"node {node.Id} exited with {exitCode} after SIGTERM:\n{node.Process.Transcript()}");
        return clock.Elapsed;
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static ChildProcess StartProcess(string name, string directory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment) =>
        ChildProcess.Start(name, Repository.DotnetHost, [Repository.HttpRaftDll, .. arguments], directory, environment);

    /// <summary>The original's configuration file: <c>{"peers": [...], "apis": [...]}</c>.</summary>
    public static string PeersJson(IEnumerable<string> peers, IEnumerable<string> apis) =>
        JsonSerializer.Serialize(new { peers, apis }, Json);


    /// <summary>
    /// Polls <c>GET /status</c> of <paramref name="candidates"/> until one of them leads a term after
    /// <paramref name="afterTerm"/>; of two that claim to lead (one deposed but not yet told), the later term wins.
    /// </summary>
    public async Task<(ClusterNode Node, NodeStatus Status)> WaitForLeaderAsync(
        IEnumerable<ClusterNode> candidates, long afterTerm, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var last = new Dictionary<int, string>();
        while (deadline.Elapsed < timeout)
        {
            (ClusterNode Node, NodeStatus Status)? leader = null;
            foreach (var node in candidates)
            {
                var status = await TryStatusAsync(node);
                last[node.Id] = status?.ToString() ?? "no answer";
                if (status is { IsLeader: true } && status.Term > afterTerm && status.Term > (leader?.Status.Term ?? 0)) leader = (node, status);
            }
            if (leader is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No leader after term {afterTerm} within {timeout.TotalSeconds:0} s. Last status: "
            + string.Join("; ", last.Select(kv => $"node {kv.Key}: {kv.Value}")));
    }

    /// <summary>Polls until <paramref name="check"/> holds for the status of <paramref name="node"/>.</summary>
    public async Task<NodeStatus> WaitForStatusAsync(ClusterNode node, Func<NodeStatus, bool> check, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        NodeStatus? status = null;
        while (deadline.Elapsed < timeout)
        {
            status = await TryStatusAsync(node);
            if (status is not null && check(status)) return status;
            await Task.Delay(50);
        }
        throw new TimeoutException($"node {node.Id}'s status did not reach the expected state within {timeout.TotalSeconds:0} s; last: {status}");
    }

    public Task<NodeStatus?> TryStatusAsync(ClusterNode node) => TryGetAsync<NodeStatus>(node, "/status");

    /// <summary><c>GET /cluster</c> on <paramref name="node"/>, or null when it does not answer 200.</summary>
    public Task<ClusterView?> TryClusterAsync(ClusterNode node) => TryGetAsync<ClusterView>(node, "/cluster");

    private async Task<T?> TryGetAsync<T>(ClusterNode node, string path)
        where T : class
    {
        try
        {
            using var response = await Http.GetAsync(node.ApiUri(path));
            if (!response.IsSuccessStatusCode) return null;
            return await response.Content.ReadFromJsonAsync<T>(Json);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Sends <paramref name="method"/> <paramref name="path"/> to <paramref name="node"/>, following 307s to the leader
    /// and retrying a 503 after its Retry-After, as <c>curl -L</c> in a retry loop would; returns the first other answer
    /// (status and body), or the last 503 at <paramref name="timeout"/>. <paramref name="body"/>, if any, goes as JSON, on every hop.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> SendToLeaderAsync(HttpMethod method, ClusterNode node, string path, TimeSpan timeout, object? body = null)
    {
        var deadline = Stopwatch.StartNew();
        var target = node.ApiUri(path);
        while (true)
        {
            using var request = new HttpRequestMessage(method, target) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
            using var response = await Http.SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TemporaryRedirect && response.Headers.Location is { } leader && deadline.Elapsed < timeout)
            {
                target = leader.IsAbsoluteUri ? leader : new Uri(target, leader);
                continue;
            }
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || deadline.Elapsed > timeout) return (response.StatusCode, answer);
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(100);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds, 500)));
        }
    }

    /// <summary>
    /// <c>POST /log</c> on <paramref name="node"/>; a 307 is followed to the leader it names and a 503 is retried
    /// after its Retry-After, until <paramref name="timeout"/>. Returns the acknowledgement of the 201.
    /// </summary>
    public async Task<Acknowledged> AppendAsync(ClusterNode node, string entry, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var target = node.ApiUri("/log");
        var answers = new List<string>();
        while (deadline.Elapsed < timeout)
        {
            using var response = await Http.PostAsJsonAsync(target, new { entry }, Json);
            answers.Add($"{(int)response.StatusCode} from {target.Authority}");
            switch (response.StatusCode)
            {
                case HttpStatusCode.Created:
                    var ack = await response.Content.ReadFromJsonAsync<Acknowledged>(Json)
                        ?? throw new InvalidOperationException("201 without a body");
                    Assert.Equal($"/log/{ack.Index}", response.Headers.Location?.OriginalString);
                    return ack with { Entry = entry };
                case HttpStatusCode.TemporaryRedirect:
                    target = response.Headers.Location ?? throw new InvalidOperationException("307 without Location");
                    if (!target.IsAbsoluteUri) target = new Uri(node.ApiUri("/"), target);
                    break;
                case HttpStatusCode.ServiceUnavailable:
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(100);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds, 500)));
                    break;
                default:
                    Assert.Fail($"POST /log answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    break;
            }
        }
        throw new TimeoutException($"'{entry}' was not acknowledged within {timeout.TotalSeconds:0} s: {string.Join(", ", answers)}");
    }

    /// <summary>All of <paramref name="node"/>'s committed entries, read page by page with <c>GET /log?index=N</c>.</summary>
    public async Task<(List<LogEntry> Entries, long CommitIndex)> ReadLogAsync(ClusterNode node)
    {
        var entries = new List<LogEntry>();
        var next = 1L;
        long commitIndex;
        while (true)
        {
            var page = await Http.GetFromJsonAsync<LogPage>(node.ApiUri($"/log?index={next}&limit=1000"), Json)
                ?? throw new InvalidOperationException("GET /log without a body");
            commitIndex = page.CommitIndex;
            if (page.Entries.Count == 0) break;
            entries.AddRange(page.Entries);
            next = page.Entries[^1].Index + 1;
            if (next > commitIndex) break;
        }
        return (entries, commitIndex);
    }

    /// <summary>Every node's captured output, for a failure message.</summary>
    public string Transcripts()
    {
        var text = new StringBuilder();
        foreach (var node in Nodes) text.Append(node.Process.Transcript());
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) node.Process.Kill();
        foreach (var node in Nodes) await node.Process.DisposeAsync();
        Http.Dispose();
        TempDirectory.Delete(root);
    }

    private sealed record LogPage(List<LogEntry> Entries, long CommitIndex);
}

/// <summary>Scratch directories under the system's temp folder.</summary>
internal static class TempDirectory
{
    public static string Create(string purpose) =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"httpraft-e2e-{purpose}-{Guid.NewGuid():N}")).FullName;

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still be closing files; the temp folder is cleaned up eventually.
        }
    }
}
