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

/// <summary>One entry of <c>GET /log</c>.</summary>
internal sealed record LogEntry(long Index, long Term, string Entry);

/// <summary>An append a node acknowledged with 201: the entry is committed at this index and term.</summary>
internal sealed record Acknowledged(long Index, long Term, string Entry);

/// <summary>
/// A cluster of real HttpRaft processes started the way the README does: each node in its own working
/// directory holding a <c>peers.json</c> (on free loopback ports), run as <c>dotnet HttpRaft.dll &lt;id&gt;</c>.
/// Disposing it kills every node and deletes the directories.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string root;
    private readonly ClusterNode[] nodes;
    private readonly IReadOnlyDictionary<string, string>? environment;

    private LocalCluster(string root, IEnumerable<ClusterNode> nodes, IReadOnlyDictionary<string, string>? environment)
    {
        this.root = root;
        this.nodes = [.. nodes];
        this.environment = environment;
    }

    /// <summary>The nodes as they run now (a restarted node is a new <see cref="ClusterNode"/> with the same id).</summary>
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
            nodes.Add(new ClusterNode(id, apis[id], peers[id], directory, StartProcess(id, directory, environment)));
        }
        return new LocalCluster(root, nodes, environment);
    }

    /// <summary>
    /// Starts node <paramref name="id"/> again in its working directory (so on its data directory) after it was
    /// killed; the old process is reaped first. Returns the node as it runs now.
    /// </summary>
    public async Task<ClusterNode> RestartAsync(int id)
    {
        var old = nodes[id];
        await old.Process.DisposeAsync();
        var restarted = old with { Process = StartProcess(id, old.WorkingDirectory, environment) };
        nodes[id] = restarted;
        return restarted;
    }

    private static ChildProcess StartProcess(int id, string directory, IReadOnlyDictionary<string, string>? environment) =>
        ChildProcess.Start($"node {id}", Repository.DotnetHost, [Repository.HttpRaftDll, id.ToString(CultureInfo.InvariantCulture)], directory, environment);

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

    public async Task<NodeStatus?> TryStatusAsync(ClusterNode node)
    {
        try
        {
            using var response = await Http.GetAsync(node.ApiUri("/status"));
            if (!response.IsSuccessStatusCode) return null;
            return await response.Content.ReadFromJsonAsync<NodeStatus>(Json);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
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
