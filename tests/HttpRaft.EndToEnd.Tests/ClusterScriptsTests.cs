using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using HttpRaft.Testing;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// The local-cluster scripts as docs/operations.md (Membership) tells a user to run them: scripts/start-cluster.sh
/// starts three nodes, scripts/add-node.sh adds a voter and a learner, scripts/remove-node.sh removes the learner and
/// then the leader, scripts/stop-cluster.sh stops everything, and a second start-cluster.sh brings back the nodes that
/// are still members (the joined one from its member.json) and not the removed ones. The cluster runs in its own
/// directory (HTTPRAFT_CLUSTER_DIR) on free ports, from the tests' HttpRaft.dll (HTTPRAFT_DLL), so it disturbs no
/// .cluster/ of the user's and needs no build.
/// </summary>
public sealed partial class ClusterScriptsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(180);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string root = TempDirectory.Create("scripts");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private string ClusterDir => Path.Combine(root, "cluster");

    [Fact]
    public async Task The_scripts_grow_shrink_stop_and_restart_a_local_cluster()
    {
        var ports = FreePorts.Take(6);
        var apis = ports.Skip(3).Select(p => $"localhost:{p}").ToList();
        var config = Path.Combine(root, "peers.json");
        await File.WriteAllTextAsync(config, LocalCluster.PeersJson(ports.Take(3).Select(p => $"localhost:{p}"), apis));

        var started = await RunAsync("start-cluster.sh", config);
        Assert.Contains("HttpRaft cluster of 3 nodes is up", started, StringComparison.Ordinal);

        // A voter: it joins with --join as a learner and the leader promotes it once it has caught up.
        var voter = Joined().Match(await RunAsync("add-node.sh"));
        Assert.True(voter.Success, "add-node.sh did not report the node it added");
        Assert.Equal(("3", "voter"), (voter.Groups["id"].Value, voter.Groups["role"].Value));
        var voterApi = voter.Groups["api"].Value;
        var cluster = await ClusterAsync(voterApi);
        Assert.Equal([(0, "voter"), (1, "voter"), (2, "voter"), (3, "voter")], Roles(cluster));

        // A learner stays one: the script adds it with role learner, and the node started with --join takes that id.
        var learner = Joined().Match(await RunAsync("add-node.sh", "--learner"));
        Assert.True(learner.Success, "add-node.sh --learner did not report the node it added");
        Assert.Equal(("4", "learner"), (learner.Groups["id"].Value, learner.Groups["role"].Value));
        Assert.Equal((4, "learner"), Roles(await ClusterAsync(apis[0])).Single(m => m.Id == 4));
        var learnerPid = await PidAsync("node-4");

        var removedLearner = await RunAsync("remove-node.sh", "4");
        Assert.Contains("removed node 4", removedLearner, StringComparison.Ordinal);
        await Poll.UntilAsync(() => !Alive(learnerPid), TimeSpan.FromSeconds(15), "the removed learner's process to stop");
        Assert.True(File.Exists(Path.Combine(ClusterDir, "node-4", "removed")), "remove-node.sh did not mark node-4 removed");

        // The leader: it hands leadership over first, then the new leader removes it.
        var leader = (await ClusterAsync(voterApi)).Leader!.Id;
        await RunAsync("remove-node.sh", leader.ToString(CultureInfo.InvariantCulture));
        var remaining = new[] { 0, 1, 2, 3 }.Where(id => id != leader).ToList();
        cluster = await ClusterAsync(voterApi);
        Assert.Equal(remaining.Select(id => (id, "voter")), Roles(cluster));
        Assert.NotNull(cluster.Leader);
        Assert.NotEqual(leader, cluster.Leader.Id);

        Assert.Contains("stopped", await RunAsync("stop-cluster.sh"), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(ClusterDir, "*.pid"));

        // The same members come back: the two bootstrap nodes still in the cluster and node 3, from its member.json.
        var restarted = await RunAsync("start-cluster.sh", config);
        Assert.Contains($"node {leader} was removed from the cluster", restarted, StringComparison.Ordinal);
        Assert.Contains("HttpRaft cluster of 3 nodes is up", restarted, StringComparison.Ordinal);
        await Poll.UntilAsync(
            async () => await TryClusterAsync(voterApi) is { Leader: not null } after && Roles(after).SequenceEqual(remaining.Select(id => (id, "voter"))),
            TimeSpan.FromSeconds(60),
            "the restarted cluster to elect a leader among the same three voters");
        await RunAsync("stop-cluster.sh");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The nodes are not the test's children (the scripts start them in the background): stop whatever is left by pid,
        // and only processes whose working directory is in this test's cluster directory.
        foreach (var pidFile in Directory.Exists(ClusterDir) ? Directory.GetFiles(ClusterDir, "*.pid") : [])
        {
            if (!int.TryParse(await File.ReadAllTextAsync(pidFile), out var pid) || !Alive(pid)) continue;
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or OperationCanceledException)
            {
                // It exited in the meantime.
            }
        }
        TempDirectory.Delete(root);
    }

    /// <summary>Runs scripts/<paramref name="script"/>, asserts exit code 0, and returns its standard output.</summary>
    private async Task<string> RunAsync(string script, params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["HTTPRAFT_CLUSTER_DIR"] = ClusterDir,
            ["HTTPRAFT_DLL"] = Repository.HttpRaftDll,
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var run = ChildProcess.Start(script, "bash", [Path.Combine(Repository.Root, "scripts", script), .. arguments], Repository.Root, environment);
        var exitCode = await run.WaitForExitAsync(ScriptTimeout);
        var transcript = run.Transcript();
        output.WriteLine($"$ scripts/{script} {string.Join(' ', arguments)}   ({clock.ElapsedMilliseconds} ms)");
        output.WriteLine(transcript);
        if (exitCode != 0) output.WriteLine(NodeLogs());
        Assert.True(exitCode == 0, $"scripts/{script} exited with {exitCode}:\n{transcript}");
        return transcript;
    }

    /// <summary>The pid the scripts recorded for <paramref name="name"/> (node-N).</summary>
    private async Task<int> PidAsync(string name) =>
        int.Parse(await File.ReadAllTextAsync(Path.Combine(ClusterDir, $"{name}.pid")), CultureInfo.InvariantCulture);

    /// <summary>True while <paramref name="pid"/> is a live process whose working directory is in this test's cluster directory.</summary>
    private bool Alive(int pid)
    {
        try
        {
            var cwd = new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName;
            return cwd is not null && cwd.StartsWith(ClusterDir, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<ClusterView> ClusterAsync(string api)
    {
        ClusterView? view = null;
        await Poll.UntilAsync(async () => (view = await TryClusterAsync(api)) is not null, TimeSpan.FromSeconds(30), $"GET /cluster on {api}");
        return view!;
    }

    private static async Task<ClusterView?> TryClusterAsync(string api)
    {
        try
        {
            return await Http.GetFromJsonAsync<ClusterView>($"http://{api}/cluster", Json);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static List<(int Id, string Role)> Roles(ClusterView cluster) => [.. cluster.Members.OrderBy(m => m.Id).Select(m => (m.Id, m.Role))];

    private string NodeLogs() =>
        string.Join('\n', Directory.Exists(ClusterDir)
            ? Directory.GetFiles(ClusterDir, "*.log").Order(StringComparer.Ordinal).Select(f => $"----- {Path.GetFileName(f)} -----\n{string.Join('\n', File.ReadLines(f).TakeLast(40))}")
            : []);

    // add-node.sh's last report: "node 3 joined as a voter: peer localhost:…, API http://localhost:…, pid …"
    [GeneratedRegex(@"node (?<id>\d+) joined as a (?<role>voter|learner): peer (?<peer>\S+), API http://(?<api>[^,]+),")]
    private static partial Regex Joined();
}
