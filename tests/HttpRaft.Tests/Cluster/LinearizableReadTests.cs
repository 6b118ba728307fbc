using System.Net;
using System.Net.Http.Json;
using HttpRaft.Api;

namespace HttpRaft.Tests.Cluster;

/// <summary><c>consistency=linearizable</c>: reads reflect every acknowledged append, from any node, or are refused with 503 — never stale.</summary>
public sealed class LinearizableReadTests
{
    private static readonly Dictionary<string, string> ShortTimeout = new() { ["HttpRaft:CommitTimeoutMs"] = "1500" };

    [Fact]
    public async Task A_linearizable_read_on_a_follower_includes_every_append_acknowledged_before_it()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        // Each read starts right after an acknowledgement: a local read on the follower may not have it yet, a linearizable one must.
        for (var i = 0; i < 20; i++)
        {
            var index = await cluster.AppendAsync(leader, $"lin {i}");
            using var response = await cluster.Http.GetAsync(cluster.Api(follower, $"/log?index={index}&consistency=linearizable"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<PageJson>())!;
            Assert.Equal(new EntryJson(index, page.Entries[0].Term, $"lin {i}"), page.Entries[0]);
            Assert.Equal("linearizable", page.Consistency);
            Assert.True(page.ReadIndex >= index, $"read index {page.ReadIndex} is below the acknowledged {index}");
            Assert.Equal("linearizable", Header(response, ReadConsistency.ConsistencyHeader));
            Assert.True(long.Parse(Header(response, ReadConsistency.ReadIndexHeader)!, System.Globalization.CultureInfo.InvariantCulture) >= index);
        }
    }

    [Fact]
    public async Task A_linearizable_read_of_one_entry_on_a_follower_finds_an_append_just_acknowledged()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        for (var i = 0; i < 10; i++)
        {
            var index = await cluster.AppendAsync(leader, $"one {i}");
            using var response = await cluster.Http.GetAsync(cluster.Api(follower, $"/log/{index}?consistency=linearizable"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"one {i}", (await response.Content.ReadFromJsonAsync<EntryJson>())!.Entry);
            Assert.Equal("linearizable", Header(response, ReadConsistency.ConsistencyHeader));
        }
    }

    [Fact]
    public async Task A_partitioned_old_leader_refuses_linearizable_reads_and_never_serves_stale_data()
    {
        await using var cluster = TestCluster.Start(settings: ShortTimeout);
        var oldLeader = await cluster.WaitForLeaderAsync();
        await cluster.AppendAsync(oldLeader, "before the partition");

        cluster.Partition.Isolate(oldLeader);
        // Asked at once, while the old leader may still believe it leads: it cannot confirm with a majority.
        var early = cluster.Http.GetAsync(cluster.Api(oldLeader, "/log?consistency=linearizable"));
        var newLeader = await cluster.WaitForLeaderOtherThanAsync(oldLeader);
        var after = await cluster.AppendAsync(newLeader, "after the partition");

        using (var response = await early) AssertRefused(response);
        using (var response = await cluster.Http.GetAsync(cluster.Api(oldLeader, "/log?consistency=linearizable"))) AssertRefused(response);
        using (var response = await cluster.Http.GetAsync(cluster.Api(oldLeader, $"/log/{after}?consistency=linearizable"))) AssertRefused(response);
        // The stale data a linearizable read refused to serve is there: a local read shows the old state.
        var local = await cluster.ReadLogAsync(oldLeader);
        Assert.DoesNotContain(local, e => e.Entry == "after the partition");

        cluster.Partition.Heal();
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await cluster.Http.GetAsync(cluster.Api(oldLeader, "/log?consistency=linearizable"));
            return response.StatusCode == HttpStatusCode.OK
                && (await response.Content.ReadFromJsonAsync<PageJson>())!.Entries.Any(e => e.Entry == "after the partition");
        }, "the healed node to serve the new entry linearizably");
    }

    [Fact]
    public async Task A_node_that_cannot_reach_a_leader_answers_503_with_retry_after()
    {
        await using var cluster = TestCluster.Start(settings: ShortTimeout);
        var leader = await cluster.WaitForLeaderAsync();
        var survivor = cluster.OtherThan(leader);
        foreach (var id in cluster.RunningIds.Where(id => id != survivor).ToList()) await cluster.StopNodeAsync(id);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await cluster.Http.GetAsync(cluster.Api(survivor, "/log?consistency=linearizable"));
        AssertRefused(response);
        // Bounded by the commit timeout (1.5 s), with room for a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.ElapsedMilliseconds} ms");
    }

    private static void AssertRefused(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
