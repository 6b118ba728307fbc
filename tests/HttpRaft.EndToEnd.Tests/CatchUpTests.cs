using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// How long a new node takes to catch up with a long log, on real processes: a three-node cluster is filled with
/// <c>HTTPRAFT_CATCHUP_ENTRIES</c> entries of 100 bytes (20,000 by default, so CI stays quick; docs/performance.md
/// quotes a run with 1,000,000), then a node joins with <c>--join</c> and receives them all by AppendEntries; then the
/// prefix is deleted with <c>DELETE /log?before=N</c> and a second node joins, which receives a snapshot and the entries
/// after it instead. Both must end with the leader's entries; the times are reported.
/// </summary>
public sealed class CatchUpTests(ITestOutputHelper output, Report report) : IClassFixture<Report>
{
    private const int EntryBytes = 100;
    private const int BatchEntries = 2000;
    private const int Fillers = 4;
    private const int KeptAfterCut = 1000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_new_node_catches_up_with_every_entry_and_after_a_cut_with_a_snapshot_and_the_rest()
    {
        var entries = Environment.GetEnvironmentVariable("HTTPRAFT_CATCHUP_ENTRIES") is { Length: > 0 } configured
            ? int.Parse(configured, CultureInfo.InvariantCulture)
            : 20_000;
        // The catch-up of a million entries takes minutes on a shared machine; the deadline grows with the log.
        var catchUpTimeout = TimeSpan.FromSeconds(60 + entries / 2_000);

        await using var cluster = LocalCluster.Start(3);
        var (leader, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, 0, TimeSpan.FromSeconds(30));
        var fill = Stopwatch.StartNew();
        await FillAsync(cluster, leader, entries);
        var filled = await cluster.WaitForStatusAsync(leader, _ => true, TimeSpan.FromSeconds(10));
        report.Line(output, $"catch-up: {entries:N0} entries of {EntryBytes} bytes appended in {fill.Elapsed.TotalSeconds:F1} s " +
            $"({entries / fill.Elapsed.TotalSeconds:N0} entries/s, batches of {BatchEntries}); the leader's last index {filled.LastIndex:N0}, commit index {filled.CommitIndex:N0}");

        // Every entry by AppendEntries: nothing was deleted.
        var (joined, joinedAfter, caughtUpAfter, voterAfter) = await JoinAndCatchUpAsync(cluster, leader, filled.CommitIndex, catchUpTimeout);
        report.Line(output, $"catch-up: node {joined.Id} joined {joinedAfter.TotalSeconds:F1} s after its process started, held all {filled.CommitIndex:N0} entries " +
            $"{(caughtUpAfter - joinedAfter).TotalSeconds:F1} s after joining ({filled.CommitIndex / (caughtUpAfter - joinedAfter).TotalSeconds:N0} entries/s), " +
            $"and was a voter {(voterAfter - joinedAfter).TotalSeconds:F1} s after joining");
        await AssertSameTailAsync(cluster, leader, joined, filled.CommitIndex);

        // After a cut: a snapshot of the deleted prefix and the entries that follow it.
        var before = filled.CommitIndex - KeptAfterCut;
        var (status, body) = await cluster.SendToLeaderAsync(HttpMethod.Delete, cluster.Nodes[0], $"/log?before={before}", TimeSpan.FromSeconds(30));
        Assert.True(status == HttpStatusCode.OK, $"DELETE /log?before={before} answered {(int)status}: {body}");
        var (late, lateJoinedAfter, lateCaughtUpAfter, lateVoterAfter) = await JoinAndCatchUpAsync(cluster, leader, filled.CommitIndex, catchUpTimeout);
        report.Line(output, $"catch-up after DELETE /log?before={before}: node {late.Id} joined {lateJoinedAfter.TotalSeconds:F1} s after its process started, " +
            $"held everything up to {filled.CommitIndex:N0} {(lateCaughtUpAfter - lateJoinedAfter).TotalSeconds:F1} s after joining, a voter {(lateVoterAfter - lateJoinedAfter).TotalSeconds:F1} s after joining");
        using var page = await cluster.Http.GetAsync(late.ApiUri("/log?limit=1"));
        var first = await page.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.True(first.GetProperty("firstIndex").GetInt64() >= before, $"node {late.Id} holds entries before the cut at {before}: {first}");
        await AssertSameTailAsync(cluster, leader, late, filled.CommitIndex);
    }

    /// <summary>Appends <paramref name="count"/> entries in batches, from a few concurrent clients, to the leader.</summary>
    private static async Task FillAsync(LocalCluster cluster, ClusterNode leader, int count)
    {
        var next = 0;
        var padding = new string('x', EntryBytes - 10);
        await Task.WhenAll(Enumerable.Range(0, Fillers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var from = Interlocked.Add(ref next, BatchEntries) - BatchEntries;
                if (from >= count) return;
                var batch = Enumerable.Range(from, Math.Min(BatchEntries, count - from)).Select(i => $"{i:D9}-{padding}").ToList();
                var (status, body) = await cluster.SendToLeaderAsync(HttpMethod.Post, leader, "/log", TimeSpan.FromSeconds(60), new { entries = batch });
                Assert.True(status == HttpStatusCode.Created, $"a batch append answered {(int)status}: {body}");
            }
        })));
    }

    /// <summary>Starts a node with --join; the times from its start until it joined, held <paramref name="commitIndex"/>, and was a voter.</summary>
    private static async Task<(ClusterNode Node, TimeSpan Joined, TimeSpan CaughtUp, TimeSpan Voter)> JoinAndCatchUpAsync(
        LocalCluster cluster, ClusterNode leader, long commitIndex, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var node = await cluster.JoinAsync(leader, timeout);
        var joined = clock.Elapsed;
        await cluster.WaitForStatusAsync(node, s => s.CommitIndex >= commitIndex, timeout);
        var caughtUp = clock.Elapsed;
        await Poll.UntilAsync(async () => (await cluster.TryClusterAsync(node))?.Member(node.Id) is { IsVoter: true }, timeout, $"node {node.Id} to be a voter");
        return (node, joined, caughtUp, clock.Elapsed);
    }

    /// <summary>The last entries up to <paramref name="commitIndex"/> on <paramref name="node"/> are the leader's.</summary>
    private static async Task AssertSameTailAsync(LocalCluster cluster, ClusterNode leader, ClusterNode node, long commitIndex)
    {
        var from = commitIndex - 99;
        var expected = await cluster.Http.GetFromJsonAsync<JsonElement>(leader.ApiUri($"/log?index={from}&limit=100"), Json);
        var actual = await cluster.Http.GetFromJsonAsync<JsonElement>(node.ApiUri($"/log?index={from}&limit=100"), Json);
        Assert.Equal(expected.GetProperty("entries").GetRawText(), actual.GetProperty("entries").GetRawText());
    }
}
