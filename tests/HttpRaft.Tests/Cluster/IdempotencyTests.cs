using System.Net;
using System.Net.Http.Json;
using HttpRaft.Api;

namespace HttpRaft.Tests.Cluster;

/// <summary><c>Idempotency-Key</c> on <c>POST /log</c>: a retried key yields one entry and the original index and term, across redirects, failover and restarts.</summary>
public sealed class IdempotencyTests
{
    [Fact]
    public async Task A_retried_key_gets_the_original_index_and_term_and_appends_once()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();

        var (first, firstReplayed) = await cluster.AppendKeyedAsync(leader, "k-1", "once");
        var (second, secondReplayed) = await cluster.AppendKeyedAsync(leader, "k-1", "once");

        Assert.Equal(first, second);
        Assert.False(firstReplayed);
        Assert.True(secondReplayed);
        Assert.Single(await cluster.ReadLogAsync(leader), e => e.Entry == "once");
        // Readers see the client's text, not the envelope that carries the key.
        Assert.Equal(new EntryJson(first.Index, first.Term, "once"), (await cluster.ReadLogAsync(leader)).Single(e => e.Index == first.Index));
        Assert.Equal("once", (await cluster.Http.GetFromJsonAsync<EntryJson>(cluster.Api(leader, $"/log/{first.Index}")))!.Entry);
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_entry_gets_422_and_appends_nothing()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await cluster.AppendKeyedAsync(leader, "k-2", "original");
        var before = cluster.Log(leader).View.LastIndex;

        using var response = await cluster.PostKeyedAsync(leader, "k-2", "something else");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, cluster.Log(leader).View.LastIndex);
        Assert.DoesNotContain(await cluster.ReadLogAsync(leader), e => e.Entry == "something else");
    }

    [Fact]
    public async Task A_keyed_append_on_a_follower_is_redirected_and_a_retry_there_is_answered_from_its_table()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);

        using (var redirected = await cluster.PostKeyedAsync(follower, "k-3", "via follower"))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
            Assert.Equal(cluster.Api(leader, "/log"), redirected.Headers.Location);
        }
        var (appended, _) = await cluster.AppendKeyedAsync(leader, "k-3", "via follower");
        // Once the follower has applied the entry, it knows the key too and answers a retry itself.
        await Eventually.HoldsAsync(() => cluster.Log(follower).View.AppliedIndex >= appended.Index, "the follower to apply the entry");
        var (replayed, wasReplayed) = await cluster.AppendKeyedAsync(follower, "k-3", "via follower");
        Assert.Equal(appended, replayed);
        Assert.True(wasReplayed);
    }

    [Fact]
    public async Task A_key_retried_at_a_new_leader_after_the_old_one_is_stopped_yields_one_entry()
    {
        await using var cluster = TestCluster.Start();
        var oldLeader = await cluster.WaitForLeaderAsync();
        var (original, _) = await cluster.AppendKeyedAsync(oldLeader, "k-4", "survives failover");

        await cluster.StopNodeAsync(oldLeader);
        var newLeader = await cluster.WaitForLeaderAsync();
        var (retried, replayed) = await cluster.AppendKeyedAsync(newLeader, "k-4", "survives failover");

        Assert.True(replayed);
        Assert.Equal(original, retried);
        Assert.Single(await cluster.ReadLogAsync(newLeader), e => e.Entry == "survives failover");
    }

    [Fact]
    public async Task A_key_whose_first_attempt_was_cut_off_with_the_old_leader_yields_one_entry_after_healing()
    {
        await using var cluster = TestCluster.Start(settings: new Dictionary<string, string> { ["HttpRaft:CommitTimeoutMs"] = "1500" });
        var oldLeader = await cluster.WaitForLeaderAsync();
        cluster.Partition.Isolate(oldLeader);

        // Appended in the isolated leader's log only: the client hears 503 (outcome unknown) and retries elsewhere.
        using (var lost = await cluster.PostKeyedAsync(oldLeader, "k-5", "exactly once"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        }
        var newLeader = await cluster.WaitForLeaderOtherThanAsync(oldLeader);
        var (committed, _) = await cluster.AppendKeyedAsync(newLeader, "k-5", "exactly once");
        var (again, replayed) = await cluster.AppendKeyedAsync(newLeader, "k-5", "exactly once");
        Assert.Equal(committed, again);
        Assert.True(replayed);

        cluster.Partition.Heal();
        foreach (var id in cluster.RunningIds)
        {
            await Eventually.HoldsAsync(
                async () => (await cluster.ReadLogAsync(id)).Where(e => e.Entry == "exactly once").Select(e => e.Index).SequenceEqual([committed.Index]),
                $"node {id} to hold the entry exactly once, at {committed.Index}");
        }
    }

    [Fact]
    public async Task Keys_are_remembered_after_every_node_restarts()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var (original, _) = await cluster.AppendKeyedAsync(leader, "k-6", "before the restart");
        // Every node has applied it (so persisted a commit index covering it) before the restart.
        await Eventually.HoldsAsync(() => cluster.RunningIds.All(id => cluster.Log(id).View.AppliedIndex >= original.Index), "every node to apply the entry");
        await Eventually.HoldsAsync(() => cluster.RunningIds.All(id => cluster.Disk(id)!.HardState.Commit >= original.Index), "every node to persist the commit");

        foreach (var id in cluster.RunningIds.ToList()) await cluster.StopNodeAsync(id);
        for (var id = 0; id < cluster.Layout.Size; id++) cluster.StartNode(id);
        var newLeader = await cluster.WaitForLeaderAsync();
        var (retried, replayed) = await cluster.AppendKeyedAsync(newLeader, "k-6", "before the restart");

        Assert.True(replayed);
        Assert.Equal(original, retried);
        Assert.Single(await cluster.ReadLogAsync(newLeader), e => e.Entry == "before the restart");
    }
}

/// <summary>Keyed appends over HTTP, for the tests.</summary>
internal static class KeyedAppends
{
    public static async Task<HttpResponseMessage> PostKeyedAsync(this TestCluster cluster, int id, string key, string entry)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, cluster.Api(id, "/log")) { Content = JsonContent.Create(new { entry }) };
        request.Headers.Add(IdempotencyHeader.Name, key);
        return await cluster.Http.SendAsync(request);
    }

    /// <summary>POST /log with <paramref name="key"/>, expecting 201; returns where it committed and whether the answer was a replay.</summary>
    public static async Task<(AppendedJson Appended, bool Replayed)> AppendKeyedAsync(this TestCluster cluster, int id, string key, string entry)
    {
        using var response = await cluster.PostKeyedAsync(id, key, entry);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var replayed = response.Headers.TryGetValues(IdempotencyHeader.ReplayedHeader, out var values) && values.Single() == "true";
        return ((await response.Content.ReadFromJsonAsync<AppendedJson>())!, replayed);
    }
}
