using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace HttpRaft.Tests.Cluster;

/// <summary>A leader that lost its quorum: waiting clients get 503 within the commit timeout; with no leader known, 503 (or the original's success:false) at once.</summary>
public sealed class LostQuorumTests
{
    [Fact]
    public async Task An_append_that_cannot_commit_gets_503_with_retry_after_within_the_commit_timeout()
    {
        await using var cluster = TestCluster.Start(settings: new Dictionary<string, string> { ["HttpRaft:CommitTimeoutMs"] = "1500" });
        var leader = await cluster.WaitForLeaderAsync();
        foreach (var id in cluster.RunningIds.Where(id => id != leader).ToList()) await cluster.StopNodeAsync(id);

        var clock = Stopwatch.StartNew();
        using var response = await cluster.Http.PostAsJsonAsync(cluster.Api(leader, "/log"), new { entry = "no quorum" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        // The commit timeout (1.5 s) bounds the wait; check-quorum may end it sooner. Slack for a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task With_no_leader_known_appends_get_503_with_retry_after_and_request_gets_success_false()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var survivor = cluster.OtherThan(leader);
        foreach (var id in cluster.RunningIds.Where(id => id != survivor).ToList()) await cluster.StopNodeAsync(id);
        await Eventually.HoldsAsync(() => !cluster.Log(survivor).View.LeaderKnown, "the survivor to know no leader");

        using (var response = await cluster.Http.PostAsJsonAsync(cluster.Api(survivor, "/log"), new { entry = "nobody leads" }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Null(response.Headers.Location);
        }
        var original = await cluster.Http.PostAsJsonAsync(cluster.Api(survivor, "/request"), new { entry = "nobody leads" });
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(new RequestJson(false, "", null, null), await original.Content.ReadFromJsonAsync<RequestJson>());
    }
}
