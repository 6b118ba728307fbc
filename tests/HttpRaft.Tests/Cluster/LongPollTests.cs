using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using HttpRaft.Api;
using Microsoft.Extensions.DependencyInjection;

namespace HttpRaft.Tests.Cluster;

/// <summary><c>GET /log?index=N&amp;wait=ms</c>: answered as soon as an entry at or after N commits, empty when the wait expires, and bounded in number.</summary>
public sealed class LongPollTests
{
    [Fact]
    public async Task A_long_poll_on_a_follower_returns_as_soon_as_an_entry_at_its_index_commits()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        var next = cluster.Log(leader).View.LastIndex + 1;

        var clock = Stopwatch.StartNew();
        var poll = cluster.Http.GetAsync(cluster.Api(follower, $"/log?index={next}&wait=20000"));
        await Eventually.HoldsAsync(() => Slots(cluster, follower).InUse == 1, "the long-poll to be waiting");
        Assert.False(poll.IsCompleted);
        var index = await cluster.AppendAsync(leader, "tail me");

        using var response = await poll;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = (await response.Content.ReadFromJsonAsync<PageJson>())!;
        Assert.Equal("tail me", Assert.Single(page.Entries).Entry);
        Assert.Equal(index, page.Entries[0].Index);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the poll took {clock.ElapsedMilliseconds} ms: it did not wake on the commit");
        Assert.Equal(0, Slots(cluster, follower).InUse);
    }

    [Fact]
    public async Task A_long_poll_that_expires_answers_an_empty_page_after_its_wait()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();

        var clock = Stopwatch.StartNew();
        using var response = await cluster.Http.GetAsync(cluster.Api(leader, "/log?index=1000000&wait=400"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<PageJson>())!.Entries);
        Assert.True(clock.ElapsedMilliseconds >= 400, $"answered after {clock.ElapsedMilliseconds} ms, before the wait expired");
    }

    [Fact]
    public async Task Long_polls_beyond_the_configured_limit_get_429_with_retry_after()
    {
        await using var cluster = TestCluster.Start(settings: new Dictionary<string, string> { ["HttpRaft:MaxLongPolls"] = "2" });
        var leader = await cluster.WaitForLeaderAsync();
        using var stop = new CancellationTokenSource();
        var polls = Enumerable.Range(0, 2).Select(_ => cluster.Http.GetAsync(cluster.Api(leader, "/log?index=1000000&wait=30000"), stop.Token)).ToList();
        await Eventually.HoldsAsync(() => Slots(cluster, leader).InUse == 2, "two long-polls to be waiting");

        using var refused = await cluster.Http.GetAsync(cluster.Api(leader, "/log?index=1000000&wait=30000"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter);
        // Reads without a wait are not counted.
        using var plain = await cluster.Http.GetAsync(cluster.Api(leader, "/log"));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);

        await stop.CancelAsync();
        foreach (var poll in polls) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        await Eventually.HoldsAsync(() => Slots(cluster, leader).InUse == 0, "the abandoned long-polls to give their slots back");
    }

    [Fact]
    public async Task A_waiting_long_poll_answers_when_its_node_shuts_down_instead_of_holding_up_the_shutdown()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        var poll = cluster.Http.GetAsync(cluster.Api(follower, "/log?index=1000000&wait=60000"));
        await Eventually.HoldsAsync(() => Slots(cluster, follower).InUse == 1, "the long-poll to be waiting");

        var clock = Stopwatch.StartNew();
        await cluster.StopNodeAsync(follower);

        using var response = await poll;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<PageJson>())!.Entries);
        // Far below the 60 s wait and the host's 30 s shutdown timeout.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {clock.ElapsedMilliseconds} ms");
    }

    private static LongPollSlots Slots(TestCluster cluster, int id) => cluster.Services(id).GetRequiredService<LongPollSlots>();
}
