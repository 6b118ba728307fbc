using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using HttpRaft.EndToEnd.Tests.History;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// Every kind of membership change an operator makes (docs/operations.md, Membership), one after another on real
/// processes with keyed writers running throughout: add a learner (<c>POST /cluster/members</c> with role learner,
/// then start the node with <c>--join</c>, which takes that member's id), promote it, remove a follower, remove the
/// leader. No append may fail for good, and <see cref="HistoryChecker"/> must find every acknowledged append in every
/// remaining member's log exactly once. The longest time without an acknowledgement during each change is reported:
/// docs/performance.md (Membership changes) quotes it. Replacing a dead node is <see cref="ReplacementTests"/>.
/// </summary>
public sealed class MembershipChangeTests(ITestOutputHelper output, Report report) : IClassFixture<Report>
{
    private const int Writers = 4;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Adding_a_learner_promoting_it_and_removing_a_follower_and_the_leader_under_load_loses_no_acknowledged_append()
    {
        var seed = Environment.GetEnvironmentVariable("HTTPRAFT_MEMBERSHIP_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next(1_000_000);
        report.Line(output, $"Membership change test seed {seed} (replay with HTTPRAFT_MEMBERSHIP_SEED={seed}): it picks the follower removed and the writers' targets");
        var random = new Random(seed);

        await using var cluster = LocalCluster.Start(3);
        var clock = Stopwatch.StartNew();
        var (leader, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, 0, StepTimeout);
        var clients = new HistoryClients(cluster, clock, $"members-{Environment.ProcessId}-{seed}", "local");
        await using var load = new WriteLoad(clients, clock, Writers, seed);
        await load.WaitForAcknowledgedAsync(50);
        var steps = new List<string>();

        // Add a learner: the member first, then its process, which finds itself a member and takes the id.
        var start = load.Now;
        var addresses = LocalCluster.FreeAddresses();
        var follower = cluster.Nodes.First(n => n.Id != leader.Id);
        var (status, body) = await cluster.SendToLeaderAsync(HttpMethod.Post, follower, "/cluster/members", StepTimeout, new { peer = addresses.Peer, api = addresses.Api, role = "learner" });
        Assert.True(status == HttpStatusCode.Created, $"POST /cluster/members answered {(int)status}: {body}");
        var added = JsonSerializer.Deserialize<MemberView>(body, Json)!;
        Assert.Equal("learner", added.Role);
        var target = (await cluster.WaitForStatusAsync(leader, _ => true, StepTimeout)).CommitIndex;
        var learner = await cluster.JoinAsync(follower, StepTimeout, addresses);
        Assert.Equal(added.Id, learner.Id);
        await cluster.WaitForStatusAsync(learner, s => s.CommitIndex >= target, StepTimeout);
        steps.Add(Step($"add learner {learner.Id} (POST /cluster/members, start it, until it has caught up)", load, start));
        Assert.Equal("learner", (await cluster.TryClusterAsync(leader))?.Member(learner.Id)?.Role);

        // Promote it: 409 until it has caught up, then 200.
        start = load.Now;
        var promoted = await PromoteAsync(cluster, leader, learner.Id);
        Assert.True(promoted.IsVoter, $"node {learner.Id} is a {promoted.Role} after its promotion");
        steps.Add(Step($"promote {learner.Id}", load, start));

        // Remove a follower, then stop it (it keeps running as "removed" until stopped).
        start = load.Now;
        var removedFollower = cluster.Nodes.Where(n => n.Id != leader.Id && n.Id != learner.Id).ElementAt(random.Next(2));
        var afterFollower = await RemoveAsync(cluster, leader, removedFollower.Id);
        await LocalCluster.StopAsync(removedFollower, StepTimeout);
        steps.Add(Step($"remove follower {removedFollower.Id} (DELETE, then SIGTERM)", load, start));
        Assert.DoesNotContain(afterFollower.Members, m => m.Id == removedFollower.Id);

        // Remove the leader through itself: it hands leadership over, answers 307, and the new leader removes it.
        start = load.Now;
        var afterLeader = await RemoveAsync(cluster, leader, leader.Id);
        await LocalCluster.StopAsync(leader, StepTimeout);
        steps.Add(Step($"remove leader {leader.Id} (DELETE, the 307 followed, then SIGTERM)", load, start));

        start = load.Now;
        await load.WaitForAcknowledgedAsync(50);
        steps.Add(Step("writing on", load, start));
        await load.StopAsync();

        var all = load.Appends;
        var acknowledged = all.Count(a => a.Acknowledged is not null);
        report.Line(output, $"membership changes: {all.Count} appends, {acknowledged} acknowledged; longest time without an acknowledgement during each change:");
        foreach (var line in steps) report.Line(output, "  " + line);
        report.Line(output, $"retried attempts: {clients.Retries}");
        Assert.True(all.Count == acknowledged, $"{all.Count - acknowledged} appends were never acknowledged");

        var members = cluster.Nodes.Where(n => n.Id != removedFollower.Id && n.Id != leader.Id).ToList();
        Assert.Equal(members.Select(n => n.Id).Order(), afterLeader.Members.Select(m => m.Id).Order());
        Assert.All(afterLeader.Members, m => Assert.True(m.IsVoter, $"node {m.Id} is a {m.Role}"));
        Assert.NotEqual(leader.Id, afterLeader.Leader?.Id);
        var checkedCount = await load.CheckAsync(cluster, clients, members);
        report.Line(output, $"the remaining members' logs hold all {checkedCount} acknowledged appends once, at their indexes: 0 lost, 0 duplicates");
    }

    /// <summary>POST /cluster/members/{id}/promote until it stops answering 409 (not caught up yet); the promoted member.</summary>
    private static async Task<MemberView> PromoteAsync(LocalCluster cluster, ClusterNode via, int id)
    {
        (HttpStatusCode Status, string Body) answer = (HttpStatusCode.Conflict, "");
        await Poll.UntilAsync(
            async () => (answer = await cluster.SendToLeaderAsync(HttpMethod.Post, via, $"/cluster/members/{id}/promote", StepTimeout)).Status != HttpStatusCode.Conflict,
            StepTimeout,
            $"node {id} to be caught up enough to promote");
        Assert.True(answer.Status == HttpStatusCode.OK, $"POST /cluster/members/{id}/promote answered {(int)answer.Status}: {answer.Body}");
        return JsonSerializer.Deserialize<MemberView>(answer.Body, Json)!;
    }

    private static async Task<ClusterView> RemoveAsync(LocalCluster cluster, ClusterNode via, int id)
    {
        var (status, body) = await cluster.SendToLeaderAsync(HttpMethod.Delete, via, $"/cluster/members/{id}", StepTimeout);
        Assert.True(status == HttpStatusCode.OK, $"DELETE /cluster/members/{id} answered {(int)status}: {body}");
        return JsonSerializer.Deserialize<ClusterView>(body, Json)!;
    }

    private static string Step(string what, WriteLoad load, long start) =>
        $"{what}: {load.DescribeGap(start)}; the change took {(load.Now - start) * 1000 / Stopwatch.Frequency} ms";
}
