using System.Net;
using HttpRaft.Testing;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>
/// Membership changes through the client on a live three-node cluster of each test's own (they change it): learners
/// that are not running and nodes that really join, promotion, removing followers and the leader itself (through the
/// 307 it answers), refusals as typed exceptions, changes that wait out one another, and a client whose cached leader
/// the change removed.
/// </summary>
public sealed class ClientMembershipTests(ITestOutputHelper output) : OwnClusterTests
{
    [Fact]
    public async Task A_learner_added_through_a_follower_is_listed_but_cannot_be_promoted_or_lead_while_it_is_not_running()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var client = RealClient.For(Cluster, output, ids: Cluster.OtherThan(leader));
        var (peer, api) = ClusterLayout.FreeAddresses();

        var added = await client.AddMemberAsync(peer, api);
        for (var i = 0; i < 5; i++) await client.AppendAsync($"while the learner is away {i}");
        var membership = await client.GetClusterAsync();
        var notCaughtUp = await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.PromoteMemberAsync(added.Id));
        var cannotLead = await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.TransferLeadershipAsync(added.Id));

        Assert.Equal(new ClusterMember(3, peer, api, "learner"), added);
        Assert.Equal(Cluster.Api(leader, "/"), client.Leader);
        var listed = membership.Members.Single(m => m.Id == added.Id);
        Assert.Equal("learner", listed.Role);
        Assert.True(listed.Lag >= 5, $"a learner that never answered trails by {listed.Lag} entries");
        Assert.Equal(1, membership.FailureTolerance);
        Assert.Equal(HttpStatusCode.Conflict, notCaughtUp.StatusCode);
        Assert.Contains($"Learner {added.Id} has not caught up", notCaughtUp.Detail, StringComparison.Ordinal);
        Assert.Contains($"Node {added.Id} is not a voting member", cannotLead.Detail, StringComparison.Ordinal);
        Assert.Equal("learner", (await client.GetClusterAsync()).Members.Single(m => m.Id == added.Id).Role);
    }

    [Fact]
    public async Task Refusals_are_typed_exceptions_that_carry_the_servers_reason()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var follower = Cluster.OtherThan(leader);
        var client = RealClient.For(Cluster, output);

        var taken = await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.AddMemberAsync("127.0.0.1:1", Cluster.Layout.ApiOf(follower)));
        var voter = await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.PromoteMemberAsync(follower));
        var promoteUnknown = await Assert.ThrowsAsync<HttpRaftProblemException>(() => client.PromoteMemberAsync(42));
        var removeUnknown = await Assert.ThrowsAsync<HttpRaftProblemException>(() => client.RemoveMemberAsync(42));
        var badAddress = await Assert.ThrowsAsync<HttpRaftProblemException>(() => client.AddMemberAsync("not an address", "127.0.0.1:2"));
        var toItself = await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.TransferLeadershipAsync(leader));

        Assert.Contains($"Node {follower} is a member at that address already", taken.Detail, StringComparison.Ordinal);
        Assert.Contains($"Node {follower} is a voter already", voter.Detail, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (promoteUnknown.StatusCode, removeUnknown.StatusCode));
        Assert.Equal("No member has that id.", removeUnknown.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, badAddress.StatusCode);
        Assert.Contains($"Node {leader} already leads", toItself.Detail, StringComparison.Ordinal);
        Assert.Equal([0, 1, 2], (await client.GetClusterAsync()).Members.Select(m => m.Id));
    }

    [Fact]
    public async Task A_learner_the_client_added_catches_up_once_started_and_the_client_promotes_it()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var client = RealClient.For(Cluster, output);
        for (var i = 0; i < 10; i++) await client.AppendAsync($"before the learner {i}");
        var (peer, api) = ClusterLayout.FreeAddresses();

        var added = await client.AddMemberAsync(peer, api);
        await using var node = AddedNode.Start(Cluster, added);
        await Eventually.GetAsync(
            async () => (await client.GetClusterAsync()).Members.SingleOrDefault(m => m.Id == added.Id && m.Lag == 0),
            $"learner {added.Id} to catch up", TimeSpan.FromSeconds(30));
        var promoted = await client.PromoteMemberAsync(added.Id);
        var membership = await client.GetClusterAsync();
        var appended = await client.AppendAsync("after the promotion");

        Assert.Equal(new ClusterMember(added.Id, peer, api, "voter"), promoted);
        Assert.Equal(4, membership.Members.Count(m => m.Role == "voter"));
        Assert.Equal(1, membership.FailureTolerance);
        Assert.Contains(node.Api, client.Members);
        var status = await Eventually.GetAsync(
            async () => await client.GetStatusAsync(node.Api) is { } s && s.AppliedIndex >= appended.Index ? s : null,
            $"node {added.Id} to apply the append at {appended.Index}");
        Assert.Equal((added.Id, "Follower", leader), (status.Id, status.Role, status.Leader?.Id));
    }

    [Fact]
    public async Task A_node_that_joined_is_seen_by_the_client_and_a_client_that_knows_only_a_bootstrap_node_is_redirected_to_it_once_it_leads()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var admin = RealClient.For(Cluster, output, ids: Cluster.OtherThan(leader));

        var joined = await Cluster.JoinNodeAsync(voter: true);
        var member = await Eventually.GetAsync(
            async () => (await admin.GetClusterAsync()).Members.SingleOrDefault(m => m.Id == joined && m.Role == "voter"),
            $"node {joined} to be promoted", TimeSpan.FromSeconds(30));
        var moved = await admin.TransferLeadershipAsync(joined);
        var bootstrapOnly = RealClient.For(Cluster, output, ids: 0);
        var appended = await bootstrapOnly.AppendAsync("through a redirect to a member that joined");

        Assert.Equal((Cluster.Layout.PeerOf(joined), Cluster.Layout.ApiOf(joined)), (member.Peer, member.Api));
        Assert.Contains(Cluster.Api(joined, "/"), admin.Members);
        Assert.Equal(new LeaderInfo(joined, Cluster.Layout.ApiOf(joined)), moved);
        Assert.Equal(joined, await Cluster.WaitForLeaderAsync());
        Assert.Equal(Cluster.Api(joined, "/"), bootstrapOnly.Leader);
        Assert.Equal("through a redirect to a member that joined", (await bootstrapOnly.GetEntryAsync(appended.Index, ReadConsistency.Linearizable))?.Entry);
    }

    [Fact]
    public async Task Removing_followers_shrinks_the_cluster_the_client_forgets_them_and_the_last_voter_cannot_be_removed()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var followers = Cluster.RunningIds.Where(id => id != leader).ToList();
        var client = RealClient.For(Cluster, output);

        var afterFirst = await client.RemoveMemberAsync(followers[0]);
        await Cluster.StopNodeAsync(followers[0]);
        var afterSecond = await client.RemoveMemberAsync(followers[1]);
        await Cluster.StopNodeAsync(followers[1]);
        var last = await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.RemoveMemberAsync(leader));
        var appended = await client.AppendAsync("on a cluster of one");

        Assert.Equal(new[] { leader, followers[1] }.Order(), afterFirst.Members.Select(m => m.Id).Order());
        Assert.Equal(0, afterFirst.FailureTolerance);
        Assert.Equal([leader], afterSecond.Members.Select(m => m.Id));
        Assert.Equal(leader, afterSecond.Leader?.Id);
        Assert.Contains("without a voter", last.Detail, StringComparison.Ordinal);
        Assert.Equal([Cluster.Api(leader, "/")], client.Members);
        Assert.Equal("on a cluster of one", (await client.GetEntryAsync(appended.Index, ReadConsistency.Linearizable))?.Entry);
    }

    [Fact]
    public async Task Removing_the_leader_follows_its_307_to_the_new_leader_and_a_client_that_cached_the_old_one_recovers()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var stale = RealClient.For(Cluster, output, ids: [leader, .. Cluster.RunningIds.Where(id => id != leader)]);
        await stale.AppendAsync("before the leader is removed");
        var answers = new AnswerLog();
        var admin = RealClient.For(Cluster, output, answers: answers, ids: leader);

        var membership = await admin.RemoveMemberAsync(leader);
        var newLeader = await Cluster.WaitForLeaderAsync();
        var after = await stale.AppendAsync("after the leader was removed");

        Assert.NotEqual(leader, newLeader);
        Assert.Equal(Cluster.RunningIds.Where(id => id != leader), membership.Members.Select(m => m.Id));
        Assert.Equal(newLeader, membership.Leader?.Id);
        Assert.Equal(
            [(Cluster.Api(leader, $"/cluster/members/{leader}"), HttpStatusCode.TemporaryRedirect), (Cluster.Api(newLeader, $"/cluster/members/{leader}"), HttpStatusCode.OK)],
            answers.All.Where(a => a.Method == HttpMethod.Delete).Select(a => (a.Uri, a.Status)));
        Assert.Equal(Cluster.Api(newLeader, "/"), admin.Leader);
        Assert.DoesNotContain(Cluster.Api(leader, "/"), admin.Members);
        var removed = await Eventually.GetAsync(
            async () => await admin.GetStatusAsync(Cluster.Api(leader, "/")) is { Role: "removed" } s ? s : null, "the old leader to report itself removed");
        Assert.Equal(leader, removed.Id);
        Assert.Equal(Cluster.Api(newLeader, "/"), stale.Leader);
        Assert.False(after.Replayed);
        Assert.Equal(["before the leader is removed", "after the leader was removed"], (await WholeLog.ReadAsync(stale)).Select(e => e.Entry));
    }

    [Fact]
    public async Task A_tail_on_a_member_that_is_removed_but_still_running_goes_on_at_another_member()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var follower = Cluster.OtherThan(leader);
        var tailer = RealClient.For(Cluster, output, ids: [follower, .. Cluster.RunningIds.Where(id => id != follower)]);
        var writer = RealClient.For(Cluster, output);
        await using var tail = new BackgroundTail(tailer);

        for (var i = 0; i < 5; i++) await writer.AppendAsync($"before the removal {i}");
        await Eventually.HoldsAsync(() => tail.Count == 5, "the tail to reach the entries before the removal");
        await writer.RemoveMemberAsync(follower);
        for (var i = 0; i < 5; i++) await writer.AppendAsync($"after the removal {i}");
        await Eventually.HoldsAsync(() => tail.Count == 10, "the tail to go on at another member", TimeSpan.FromSeconds(30));
        var seen = await tail.StopAsync();

        Assert.Equal(await WholeLog.ReadAsync(writer), seen);
        Assert.DoesNotContain(Cluster.Api(follower, "/"), tailer.Members);
        Assert.Equal("removed", (await writer.GetStatusAsync(Cluster.Api(follower, "/"))).Role);
    }

    [Fact]
    public async Task Changes_sent_together_wait_out_one_another_through_503s_and_all_commit()
    {
        await Cluster.WaitForLeaderAsync();
        var answers = new AnswerLog();
        var client = RealClient.For(Cluster, output, answers: answers);
        // Caches the leader, so that every change goes straight to it at once.
        await client.GetClusterAsync();
        var ports = FreePorts.Take(8);
        var addresses = Enumerable.Range(0, 4).Select(i => (Peer: $"127.0.0.1:{ports[2 * i]}", Api: $"127.0.0.1:{ports[(2 * i) + 1]}")).ToList();

        var added = await Task.WhenAll(addresses.Select(a => client.AddMemberAsync(a.Peer, a.Api)));
        var membership = await client.GetClusterAsync();

        var refused = answers.Count(HttpStatusCode.ServiceUnavailable);
        output.WriteLine($"4 additions at once: {refused} answers were 503 (another change pending), {answers.All.Count} answers in all");
        Assert.True(refused > 0, "no change had to wait for another");
        Assert.Equal(addresses.Select(a => (a.Peer, a.Api)), added.Select(m => (m.Peer, m.Api)));
        Assert.Equal(4, added.Select(m => m.Id).Distinct().Count());
        Assert.Equal(added.Select(m => m.Id).Order(), membership.Members.Where(m => m.Role == "learner").Select(m => m.Id).Order());
        Assert.Equal(1, membership.FailureTolerance);
    }
}
