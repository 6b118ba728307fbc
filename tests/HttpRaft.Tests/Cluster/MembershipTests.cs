using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace HttpRaft.Tests.Cluster;

/// <summary>
/// Membership changes on a running cluster (docs/api.md, the cluster routes): nodes join as learners and are promoted,
/// members are removed and replaced, the leader can be removed, a slow learner is never promoted, and a removed node
/// that comes back cannot disrupt. Under load, every acknowledged append survives on every member.
/// </summary>
public sealed class MembershipTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Grow_from_three_to_five_under_load_then_shrink_back_to_three()
    {
        await using var cluster = TestCluster.Start();
        await cluster.WaitForLeaderAsync();
        await using var writers = new KeyedWriters(cluster, count: 4);
        await writers.WaitForAsync(20);

        var fourth = await TimedAsync(writers, "add node 3", () => JoinAndPromoteAsync(cluster));
        var fifth = await TimedAsync(writers, "add node 4", () => JoinAndPromoteAsync(cluster));
        Assert.Equal(5, (await ClusterAsync(cluster)).Members.Count(m => m.Role == "voter"));
        Assert.Equal(2, (await ClusterAsync(cluster)).FailureTolerance);

        foreach (var id in new[] { fourth, 0 })
        {
            await TimedAsync(writers, $"remove node {id}", () => RemoveAsync(cluster, id));
            await cluster.StopNodeAsync(id);
        }
        await writers.WaitForAsync(20);
        await writers.StopAsync();

        var membership = await ClusterAsync(cluster);
        Assert.Equal([1, 2, fifth], membership.Members.Select(m => m.Id).Order());
        Assert.All(membership.Members, m => Assert.Equal("voter", m.Role));
        Assert.Empty(writers.Failures);
        await AssertEveryAcknowledgedAppendOnEveryMemberAsync(cluster, writers);
    }

    [Fact]
    public async Task A_dead_node_is_replaced_by_a_new_one_with_a_new_id()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await using var writers = new KeyedWriters(cluster, count: 2);
        await writers.WaitForAsync(10);
        var dead = cluster.OtherThan(leader);

        await cluster.StopNodeAsync(dead);
        Directory.Delete(cluster.DataDirectory(dead), recursive: true);
        var replacement = await TimedAsync(writers, "add the replacement", () => JoinAndPromoteAsync(cluster));
        await TimedAsync(writers, "remove the dead node", () => RemoveAsync(cluster, dead));
        await writers.WaitForAsync(10);
        await writers.StopAsync();

        Assert.True(replacement >= 3, "a new node gets a new id, never the dead one's");
        Assert.Equal(cluster.RunningIds.Order(), (await ClusterAsync(cluster)).Members.Select(m => m.Id).Order());
        Assert.Empty(writers.Failures);
        await AssertEveryAcknowledgedAppendOnEveryMemberAsync(cluster, writers);
    }

    [Fact]
    public async Task Removing_the_leader_hands_leadership_over_first_and_the_old_leader_reports_itself_removed()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await using var writers = new KeyedWriters(cluster, count: 2);
        await writers.WaitForAsync(10);

        using var first = await cluster.Http.DeleteAsync(cluster.Api(leader, $"/cluster/members/{leader}"));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, first.StatusCode);
        var clock = Stopwatch.StartNew();
        using var removed = await DeleteAfterHandOverAsync(cluster, first.Headers.Location);
        output.WriteLine($"the leader's removal committed {clock.ElapsedMilliseconds} ms after the hand-over");
        await writers.WaitForAsync(10);
        await writers.StopAsync();

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        var membership = (await removed.Content.ReadFromJsonAsync<ClusterJson>())!;
        Assert.DoesNotContain(membership.Members, m => m.Id == leader);
        await Eventually.HoldsAsync(async () => (await StatusRoleAsync(cluster, leader)) == "removed", "the old leader to report itself removed");
        using var ready = await cluster.Http.GetAsync(cluster.Api(leader, "/health/ready"));
        using var append = await cluster.Http.PostAsJsonAsync(cluster.Api(leader, "/log"), new { entry = "to a removed node" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        await Problem.AssertAsync(append, HttpStatusCode.ServiceUnavailable);
        Assert.Empty(writers.Failures);
        await cluster.StopNodeAsync(leader);
        await AssertEveryAcknowledgedAppendOnEveryMemberAsync(cluster, writers);
    }

    [Fact]
    public async Task A_learner_that_never_catches_up_is_never_promoted()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var (peer, api) = ClusterLayout.FreeAddresses();

        // A member that never answers: nothing listens at its addresses.
        using var added = await cluster.Http.PostAsJsonAsync(cluster.Api(leader, "/cluster/members"), new { peer, api, role = "voter" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var id = (await added.Content.ReadFromJsonAsync<MemberJson>())!.Id;
        for (var i = 0; i < 20; i++) await cluster.AppendAsync(leader, $"while the learner is away {i}");
        using var promote = await cluster.Http.PostAsync(cluster.Api(leader, $"/cluster/members/{id}/promote"), content: null);
        var stillLearner = (await ClusterAsync(cluster)).Members.Single(m => m.Id == id);

        await Problem.AssertAsync(promote, HttpStatusCode.Conflict);
        Assert.Equal("learner", stillLearner.Role);
        Assert.Equal(1, (await ClusterAsync(cluster)).FailureTolerance);
    }

    [Fact]
    public async Task A_removed_node_that_comes_back_cannot_disrupt_the_cluster()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var gone = cluster.OtherThan(leader);
        await cluster.StopNodeAsync(gone);
        await RemoveAsync(cluster, gone);
        var term = cluster.Log(leader).View.Term;

        cluster.StartNode(gone);
        await Eventually.HoldsAsync(async () => (await StatusRoleAsync(cluster, gone)) == "removed", "the returning node to learn it was removed (410)");
        for (var i = 0; i < 10; i++) await cluster.AppendAsync(leader, $"after the return {i}");

        Assert.Equal(leader, await cluster.WaitForLeaderAsync());
        Assert.Equal(term, cluster.Log(leader).View.Term);
    }

    [Fact]
    public async Task The_cluster_routes_refuse_what_cannot_work_and_redirect_from_a_follower()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.OtherThan(leader);
        var taken = cluster.Layout.ApiOf(follower);

        using var badAddress = await cluster.Http.PostAsJsonAsync(cluster.Api(leader, "/cluster/members"), new { peer = "not an address", api = "127.0.0.1:1" });
        using var badRole = await cluster.Http.PostAsJsonAsync(cluster.Api(leader, "/cluster/members"), new { peer = "127.0.0.1:2", api = "127.0.0.1:3", role = "king" });
        using var duplicate = await cluster.Http.PostAsJsonAsync(cluster.Api(leader, "/cluster/members"), new { peer = "127.0.0.1:4", api = taken });
        using var unknownPromote = await cluster.Http.PostAsync(cluster.Api(leader, "/cluster/members/42/promote"), content: null);
        using var unknownRemove = await cluster.Http.DeleteAsync(cluster.Api(leader, "/cluster/members/42"));
        using var voterPromote = await cluster.Http.PostAsync(cluster.Api(leader, $"/cluster/members/{follower}/promote"), content: null);
        using var onFollower = await cluster.Http.DeleteAsync(cluster.Api(follower, $"/cluster/members/{follower}"));

        await Problem.AssertAsync(badAddress, HttpStatusCode.BadRequest);
        await Problem.AssertAsync(badRole, HttpStatusCode.BadRequest);
        await Problem.AssertAsync(duplicate, HttpStatusCode.Conflict);
        await Problem.AssertAsync(unknownPromote, HttpStatusCode.NotFound);
        await Problem.AssertAsync(unknownRemove, HttpStatusCode.NotFound);
        await Problem.AssertAsync(voterPromote, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, onFollower.StatusCode);
        Assert.Equal(cluster.Api(leader, $"/cluster/members/{follower}"), onFollower.Headers.Location);
        Assert.Equal(3, (await ClusterAsync(cluster)).Members.Count);
    }

    [Fact]
    public async Task Every_node_shows_the_same_membership_and_the_leader_shows_progress()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await cluster.AppendAsync(leader, "something to replicate");

        var views = new List<ClusterJson>();
        foreach (var id in cluster.RunningIds) views.Add((await cluster.Http.GetFromJsonAsync<ClusterJson>(cluster.Api(id, "/cluster")))!);

        Assert.All(views, v => Assert.Equal([0, 1, 2], v.Members.Select(m => m.Id)));
        Assert.All(views, v => Assert.True(v.ConfigIndex > 0, "the first leader writes the membership into the log"));
        Assert.All(views, v => Assert.Equal(leader, v.Leader?.Id));
        var fromLeader = views[cluster.RunningIds.ToList().IndexOf(leader)];
        Assert.All(fromLeader.Members, m => Assert.NotNull(m.MatchIndex));
        Assert.All(fromLeader.Members, m => Assert.Equal(cluster.Layout.ApiOf(m.Id), m.Api));
    }

    /// <summary>Joins a new node (a learner asking to vote) and waits until the leader has promoted it; returns its id.</summary>
    private static async Task<int> JoinAndPromoteAsync(TestCluster cluster)
    {
        var id = await cluster.JoinNodeAsync(voter: true);
        await Eventually.HoldsAsync(async () => (await ClusterAsync(cluster)).Members.Any(m => m.Id == id && m.Role == "voter"), $"node {id} to be promoted", TimeSpan.FromSeconds(30));
        return id;
    }

    /// <summary>DELETE /cluster/members/{id} on the leader, following the redirect if it is the leader itself.</summary>
    private static async Task<int> RemoveAsync(TestCluster cluster, int id)
    {
        var leader = await cluster.WaitForLeaderAsync();
        using var response = await cluster.Http.DeleteAsync(cluster.Api(leader, $"/cluster/members/{id}"));
        using var final = response.StatusCode == HttpStatusCode.TemporaryRedirect ? await DeleteAfterHandOverAsync(cluster, response.Headers.Location) : null;
        var answer = final ?? response;
        Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>
    /// Follows the 307 of a hand-over as a client should: the new leader answers 503 "retry shortly" until its term's
    /// first entry commits, which can come a moment after the old leader learned of it and redirected.
    /// </summary>
    private static Task<HttpResponseMessage> DeleteAfterHandOverAsync(TestCluster cluster, Uri? newLeader) =>
        Eventually.GetAsync(async () =>
        {
            var response = await cluster.Http.DeleteAsync(newLeader);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable) return response;
            response.Dispose();
            return null;
        }, "the new leader to take the change");

    private static async Task<ClusterJson> ClusterAsync(TestCluster cluster)
    {
        var leader = await cluster.WaitForLeaderAsync();
        return (await cluster.Http.GetFromJsonAsync<ClusterJson>(cluster.Api(leader, "/cluster")))!;
    }

    private static async Task<string> StatusRoleAsync(TestCluster cluster, int id) =>
        (await cluster.Http.GetFromJsonAsync<StatusJson>(cluster.Api(id, "/status")))!.Role;

    /// <summary>Runs a change while the writers run, and prints the longest stretch without an acknowledgement it caused.</summary>
    private async Task<T> TimedAsync<T>(KeyedWriters writers, string what, Func<Task<T>> change)
    {
        var from = writers.Now;
        var result = await change();
        await writers.WaitForAsync(5);
        output.WriteLine($"{what}: longest gap between acknowledgements {writers.LongestGap(from, writers.Now).TotalMilliseconds:F0} ms");
        return result;
    }

    private static async Task AssertEveryAcknowledgedAppendOnEveryMemberAsync(TestCluster cluster, KeyedWriters writers)
    {
        var members = (await ClusterAsync(cluster)).Members.Select(m => m.Id).ToHashSet();
        foreach (var id in cluster.RunningIds.Where(members.Contains))
        {
            await Eventually.HoldsAsync(async () => (await ReadAllAsync(cluster, id)).Count >= writers.Acknowledged.Count, $"node {id} to hold every acknowledged append", TimeSpan.FromSeconds(30));
            var byEntry = (await ReadAllAsync(cluster, id)).GroupBy(e => e.Entry).ToDictionary(g => g.Key, g => g.Select(e => e.Index).ToList());
            foreach (var (entry, index, _) in writers.Acknowledged)
            {
                Assert.True(byEntry.TryGetValue(entry, out var at), $"node {id} lost acknowledged '{entry}'");
                Assert.Equal([index], at);
            }
        }
    }

    private static async Task<List<EntryJson>> ReadAllAsync(TestCluster cluster, int id)
    {
        var all = new List<EntryJson>();
        for (long index = 1; ;)
        {
            var page = await cluster.Http.GetFromJsonAsync<PageJson>(cluster.Api(id, $"/log?index={index}&limit=1000"));
            if (page!.Entries.Count == 0) return all;
            all.AddRange(page.Entries);
            index = page.Entries[^1].Index + 1;
        }
    }
}
