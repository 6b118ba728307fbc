using System.Text.RegularExpressions;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.EndToEnd.Tests.Observability;

/// <summary>
/// <c>GET /metrics</c> on a live three-node cluster of real processes (one node per process, as in production: the
/// OpenTelemetry SDK's listener is process-wide, so in-process nodes would see each other's instruments): valid
/// exposition format, documented, and moving with load and with a change of leader.
/// </summary>
public sealed partial class MetricsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_line_is_valid_exposition_format_and_every_HttpRaft_metric_is_documented()
    {
        await using var cluster = LocalCluster.Start(3);
        var (leader, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, Deadline);
        await cluster.AppendAsync(leader, "one entry, so that every instrument has recorded something", Deadline);
        // The leader's heartbeat round trips and per-follower gauges exist only there: take the union of all three.
        var exported = new HashSet<string>();
        foreach (var node in cluster.Nodes)
        {
            var metrics = await ScrapeAsync(cluster, node);
            exported.UnionWith(metrics.TypesByFamily.Keys.Where(f => f.StartsWith("httpraft_", StringComparison.Ordinal)));
            Assert.True(metrics.Has("http_server_request_duration_seconds_count"), "ASP.NET Core's HTTP server metrics are exported");
        }

        var documented = DocumentedMetrics();
        Assert.Empty(documented.Except(exported));
        Assert.Empty(exported.Except(documented));
    }

    [Fact]
    public async Task Counters_move_with_load()
    {
        await using var cluster = LocalCluster.Start(3);
        var (leader, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, Deadline);
        var before = await ScrapeAsync(cluster, leader);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => cluster.AppendAsync(leader, $"load {i}", Deadline)));

        // Gauges and observed counters come from the loop's snapshot, published a few times a second: poll.
        var after = await Eventually.GetAsync(async () =>
        {
            var now = await ScrapeAsync(cluster, leader);
            return now.Value("httpraft_server_proposals_applied_total") >= before.Value("httpraft_server_proposals_applied_total") + 40 ? now : null;
        }, "the applied counter to count 40 more entries", Deadline);
        Assert.True(after.Value("httpraft_server_proposals_committed_total") >= before.Value("httpraft_server_proposals_committed_total") + 40);
        Assert.True(after.Value("httpraft_log_commit_index") >= before.Value("httpraft_log_commit_index") + 40);
        Assert.True(after.Value("httpraft_disk_wal_fsync_duration_seconds_count") > before.Value("httpraft_disk_wal_fsync_duration_seconds_count"));
        Assert.True(after.Value("httpraft_disk_wal_bytes") > before.Value("httpraft_disk_wal_bytes"));
        Assert.True(after.Sum("httpraft_network_peer_sent_bytes_total") > before.Sum("httpraft_network_peer_sent_bytes_total"));
        Assert.True(after.Value("httpraft_loop_busy_time_seconds_total") > before.Value("httpraft_loop_busy_time_seconds_total"));
        Assert.True(
            after.Sum("http_server_request_duration_seconds_count", ("http_route", "/log/"), ("http_request_method", "POST"))
            >= before.Sum("http_server_request_duration_seconds_count", ("http_route", "/log/"), ("http_request_method", "POST")) + 40);
    }

    [Fact]
    public async Task A_leader_change_moves_the_leader_metrics()
    {
        await using var cluster = LocalCluster.Start(3);
        var (oldLeader, oldStatus) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, Deadline);
        var survivors = cluster.Nodes.Where(n => n != oldLeader).ToList();
        await Eventually.HoldsAsync(async () => (await ScrapeAsync(cluster, survivors[0])).Value("httpraft_server_has_leader") == 1, "a follower to know the leader", Deadline);
        var before = await ScrapeAsync(cluster, survivors[0]);
        Assert.Equal(1, (await ScrapeAsync(cluster, oldLeader)).Value("httpraft_server_is_leader"));

        oldLeader.Process.Kill();
        var (newLeader, _) = await cluster.WaitForLeaderAsync(survivors, oldStatus.Term, Deadline);

        var after = await Eventually.GetAsync(async () =>
        {
            var now = await ScrapeAsync(cluster, survivors[0]);
            return now.Value("httpraft_server_leader_changes_seen_total") > before.Value("httpraft_server_leader_changes_seen_total") ? now : null;
        }, "a survivor to count the leader change", Deadline);
        Assert.True(after.Value("httpraft_server_term") > before.Value("httpraft_server_term"));
        Assert.Equal(1, after.Value("httpraft_server_has_leader"));
        var leaderMetrics = await Eventually.GetAsync(async () =>
        {
            var now = await ScrapeAsync(cluster, newLeader);
            return now.Value("httpraft_server_is_leader") == 1 ? now : null;
        }, "the new leader to report is_leader 1", Deadline);
        // Both followers have a series: the live one, and the dead one at what it was last known to hold.
        Assert.Equal(2, leaderMetrics.Samples.Count(s => s.Name == "httpraft_network_peer_match_index"));
    }

    private static async Task<PrometheusText> ScrapeAsync(LocalCluster cluster, ClusterNode node)
    {
        using var response = await cluster.Http.GetAsync(node.ApiUri("/metrics"));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The metric names in the first column of the metric tables in docs/operations.md.</summary>
    private static HashSet<string> DocumentedMetrics()
    {
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "operations.md"));
        return [.. DocumentedName().Matches(doc).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex(@"^\| `(httpraft_[a-z_]+)`", RegexOptions.Multiline)]
    private static partial Regex DocumentedName();
}
