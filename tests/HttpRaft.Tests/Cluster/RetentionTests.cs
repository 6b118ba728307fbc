using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HttpRaft.Tests.Cluster;

/// <summary>
/// Deleting the log's prefix on a running cluster (docs/design.md §8, docs/api.md): <c>DELETE /log?before=N</c> and the
/// retention limits cut every node at the same index, reads below it answer 410, and a node that missed the deleted
/// entries (stopped, cut off, or new) catches up from a snapshot. Keys of deleted appends are still known.
/// </summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task Delete_before_an_index_cuts_every_node_there_and_reads_below_it_answer_410_with_the_bounds()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await AppendManyAsync(cluster, leader, 30);

        var cut = await DeleteBeforeAsync(cluster, leader, 21);

        Assert.Equal(21, cut.FirstIndex);
        foreach (var id in cluster.RunningIds)
        {
            await Eventually.HoldsAsync(() => cluster.Log(id).View.FirstIndex == 21, $"node {id} to start its log at 21");
            await AssertGoneAsync(cluster, id, "/log?index=5", firstIndex: 21);
            await AssertGoneAsync(cluster, id, "/log/20", firstIndex: 21);
            await AssertGoneAsync(cluster, id, "/log?index=1&wait=1000", firstIndex: 21);
            using var kept = await cluster.Http.GetAsync(cluster.Api(id, "/log/21"));
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
            Assert.Equal(21, (await StatusAsync(cluster, id)).GetProperty("firstIndex").GetInt64());
        }
    }

    [Fact]
    public async Task A_read_without_an_index_starts_at_the_first_index_and_every_page_names_it()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await AppendManyAsync(cluster, leader, 20);
        await DeleteBeforeAsync(cluster, leader, 11);

        var page = await cluster.Http.GetFromJsonAsync<JsonElement>(cluster.Api(leader, "/log?limit=5"));
        var later = await cluster.Http.GetFromJsonAsync<JsonElement>(cluster.Api(leader, "/log?index=15&limit=5"));

        Assert.Equal(11, page.GetProperty("firstIndex").GetInt64());
        Assert.Equal(11, page.GetProperty("entries")[0].GetProperty("index").GetInt64());
        Assert.Equal(11, later.GetProperty("firstIndex").GetInt64());
        Assert.Equal(15, later.GetProperty("entries")[0].GetProperty("index").GetInt64());
    }

    [Fact]
    public async Task Delete_refuses_what_is_not_committed_or_not_an_index_and_a_follower_redirects_to_the_leader()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        await AppendManyAsync(cluster, leader, 5);
        var lastIndex = cluster.Log(leader).View.LastIndex;

        using var beyond = await cluster.Http.DeleteAsync(cluster.Api(leader, "/log?before=1000"));
        using var missing = await cluster.Http.DeleteAsync(cluster.Api(leader, "/log"));
        using var zero = await cluster.Http.DeleteAsync(cluster.Api(leader, "/log?before=0"));
        using var text = await cluster.Http.DeleteAsync(cluster.Api(leader, "/log?before=abc"));
        using var redirected = await cluster.Http.DeleteAsync(cluster.Api(follower, "/log?before=3"));

        Assert.Contains("commit index", await beyond.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Problem.AssertAsync(beyond, HttpStatusCode.BadRequest);
        await Problem.AssertAsync(missing, HttpStatusCode.BadRequest);
        await Problem.AssertAsync(zero, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        Assert.Equal(cluster.Api(leader, "/log?before=3"), redirected.Headers.Location);
        Assert.Equal(1, cluster.Log(leader).View.FirstIndex);
        Assert.Equal(lastIndex, cluster.Log(leader).View.LastIndex);
    }

    [Fact]
    public async Task Asking_again_for_a_cut_that_is_done_answers_at_once_without_a_new_entry()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await AppendManyAsync(cluster, leader, 10);
        await DeleteBeforeAsync(cluster, leader, 8);
        var lastIndex = cluster.Log(leader).View.LastIndex;

        var again = await DeleteBeforeAsync(cluster, leader, 5);

        Assert.Equal(8, again.FirstIndex);
        Assert.Equal(lastIndex, cluster.Log(leader).View.LastIndex);
    }

    [Fact]
    public async Task A_follower_stopped_across_a_cut_catches_up_from_a_snapshot()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var behind = cluster.OtherThan(leader);
        await AppendManyAsync(cluster, leader, 5);
        await cluster.StopNodeAsync(behind);
        await AppendManyAsync(cluster, leader, 40);
        await DeleteBeforeAsync(cluster, leader, 40);

        cluster.StartNode(behind);
        await AppendManyAsync(cluster, leader, 3);

        await AssertCaughtUpFromSnapshotAsync(cluster, leader, behind, firstIndex: 40);
    }

    [Fact]
    public async Task A_member_that_joins_after_a_cut_catches_up_from_a_snapshot_and_is_promoted()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await AppendManyAsync(cluster, leader, 30);
        await DeleteBeforeAsync(cluster, leader, 25);

        var joined = await cluster.JoinNodeAsync(voter: true);
        await AppendManyAsync(cluster, leader, 3);

        await AssertCaughtUpFromSnapshotAsync(cluster, leader, joined, firstIndex: 25);
        await Eventually.HoldsAsync(
            () => cluster.Log(leader).View.Membership.Configuration.Voters.Contains(joined), "the joined node to be promoted to voter");
    }

    [Fact]
    public async Task A_long_poll_on_a_follower_whose_index_is_cut_while_it_waits_gets_410()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        await AppendManyAsync(cluster, leader, 3);
        await Eventually.HoldsAsync(() => cluster.Log(follower).View.AppliedIndex == cluster.Log(leader).View.CommitIndex, "the follower to catch up");
        var waitingFor = cluster.Log(follower).View.AppliedIndex + 2;

        cluster.Partition.Isolate(follower);
        var poll = cluster.Http.GetAsync(cluster.Api(follower, $"/log?index={waitingFor}&wait=20000"));
        await AppendManyAsync(cluster, leader, 20);
        var cut = await DeleteBeforeAsync(cluster, leader, waitingFor + 10);
        cluster.Partition.Heal();
        await Eventually.HoldsAsync(() => cluster.Log(follower).View.FirstIndex == cut.FirstIndex, "the follower to install the snapshot");

        using var response = await poll;
        var body = await response.Content.ReadAsStringAsync();
        await Problem.AssertAsync(response, HttpStatusCode.Gone);
        Assert.Equal(cut.FirstIndex, JsonDocument.Parse(body).RootElement.GetProperty("firstIndex").GetInt64());
    }

    [Fact]
    public async Task A_key_whose_entry_was_deleted_still_replays_on_the_leader_and_on_a_follower_that_installed_the_snapshot()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var behind = cluster.OtherThan(leader);
        await cluster.StopNodeAsync(behind);
        var (original, _) = await cluster.AppendKeyedAsync(leader, "kept-key", "deleted but remembered");
        await AppendManyAsync(cluster, leader, 10);
        await DeleteBeforeAsync(cluster, leader, original.Index + 5);
        cluster.StartNode(behind);
        await AppendManyAsync(cluster, leader, 2);
        await AssertCaughtUpFromSnapshotAsync(cluster, leader, behind, firstIndex: original.Index + 5);

        var (onLeader, leaderReplayed) = await cluster.AppendKeyedAsync(leader, "kept-key", "deleted but remembered");
        var (onFollower, followerReplayed) = await cluster.AppendKeyedAsync(behind, "kept-key", "deleted but remembered");

        Assert.True(leaderReplayed);
        Assert.True(followerReplayed);
        Assert.Equal(original, onLeader);
        Assert.Equal(original, onFollower);
    }

    [Fact]
    public async Task A_restarted_node_keeps_its_first_index_and_its_keys()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var (original, _) = await cluster.AppendKeyedAsync(leader, "across-restart", "once");
        await AppendManyAsync(cluster, leader, 10);
        await DeleteBeforeAsync(cluster, leader, original.Index + 3);

        foreach (var id in cluster.RunningIds.ToList())
        {
            await cluster.StopNodeAsync(id);
            cluster.StartNode(id);
        }
        var next = await cluster.WaitForLeaderAsync();
        var (retried, replayed) = await cluster.AppendKeyedAsync(next, "across-restart", "once");

        Assert.All(cluster.RunningIds, id => Assert.Equal(original.Index + 3, cluster.Log(id).View.FirstIndex));
        await AssertGoneAsync(cluster, next, $"/log/{original.Index}", firstIndex: original.Index + 3);
        Assert.True(replayed);
        Assert.Equal(original, retried);
    }

    [Fact]
    public async Task Max_entries_retention_keeps_about_the_newest_entries_and_deletes_the_segments_below()
    {
        var settings = new Dictionary<string, string>
        {
            ["HttpRaft:Retention:MaxEntries"] = "50",
            ["HttpRaft:Retention:CheckIntervalMs"] = "20",
            ["HttpRaft:SegmentBytes"] = (64 * 1024).ToString(CultureInfo.InvariantCulture),
        };
        await using var cluster = TestCluster.Start(settings: settings);
        var leader = await cluster.WaitForLeaderAsync();
        var big = new string('r', 4000);
        // 1 MB of entries: sixteen 64 KiB segments, of which the newest 50 entries (200 KB) fill about four.
        for (var i = 0; i < 12; i++) await AppendBatchAsync(cluster, leader, Enumerable.Repeat(big, 20));
        await AppendManyAsync(cluster, leader, 3);

        foreach (var id in cluster.RunningIds)
        {
            await Eventually.HoldsAsync(
                () => cluster.Log(id).View is var v && v.LastIndex - v.FirstIndex < 50 + 5 + 5, $"node {id} to keep only about the newest 50 entries");
            await Eventually.HoldsAsync(() => SegmentBytes(id) < 400_000, $"node {id} to delete the segments below its cut");
            Assert.False(File.Exists(Path.Combine(cluster.DataDirectory(id), "wal-0000000000000001.seg")), "the first segment is deleted");
        }
        await AssertGoneAsync(cluster, leader, "/log/1", firstIndex: cluster.Log(leader).View.FirstIndex);

        long SegmentBytes(int id) => Directory.GetFiles(cluster.DataDirectory(id), "*.seg").Sum(f => new FileInfo(f).Length);
    }

    private static async Task AssertCaughtUpFromSnapshotAsync(TestCluster cluster, int leader, int caughtUp, long firstIndex)
    {
        var commit = cluster.Log(leader).View.CommitIndex;
        // A restart and a snapshot transfer on a machine running the whole suite: twice the usual wait.
        await Eventually.HoldsAsync(() => cluster.Log(caughtUp).View.AppliedIndex >= commit, $"node {caughtUp} to apply up to {commit}", TimeSpan.FromSeconds(30));
        // If the leader's own cut lagged, the node got entries and cuts its log itself when it applies the truncation:
        // its snapshot then follows its applied index by one cut (tens of milliseconds), so wait for it rather than race.
        await Eventually.HoldsAsync(() => cluster.Disk(caughtUp)!.Snapshot?.Index == firstIndex - 1, $"node {caughtUp}'s snapshot at {firstIndex - 1}");
        Assert.Equal(firstIndex, cluster.Log(caughtUp).View.FirstIndex);
        Assert.Equal(
            (await cluster.ReadLogAsync(leader)).Where(e => e.Index <= commit),
            (await cluster.ReadLogAsync(caughtUp)).Where(e => e.Index <= commit));
    }

    private static async Task AppendManyAsync(TestCluster cluster, int leader, int count)
    {
        for (var i = 0; i < count; i++) await cluster.AppendAsync(leader, $"entry {i}");
    }

    private static async Task AppendBatchAsync(TestCluster cluster, int leader, IEnumerable<string> entries)
    {
        using var response = await cluster.Http.PostAsJsonAsync(cluster.Api(leader, "/log"), new { entries = entries.ToArray() });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<CutJson> DeleteBeforeAsync(TestCluster cluster, int leader, long before)
    {
        using var response = await cluster.Http.DeleteAsync(cluster.Api(leader, $"/log?before={before}"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CutJson>())!;
    }

    private static async Task AssertGoneAsync(TestCluster cluster, int id, string pathAndQuery, long firstIndex)
    {
        using var response = await cluster.Http.GetAsync(cluster.Api(id, pathAndQuery));
        Assert.True(response.StatusCode == HttpStatusCode.Gone, $"{pathAndQuery} on node {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(firstIndex, problem.GetProperty("firstIndex").GetInt64());
        Assert.True(problem.GetProperty("lastIndex").GetInt64() >= firstIndex - 1);
    }

    private static async Task<JsonElement> StatusAsync(TestCluster cluster, int id) =>
        await cluster.Http.GetFromJsonAsync<JsonElement>(cluster.Api(id, "/status"));

    private sealed record CutJson(long FirstIndex, long LastIndex, long CommitIndex);
}
