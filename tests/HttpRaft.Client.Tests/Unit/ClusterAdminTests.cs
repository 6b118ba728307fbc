using System.Net;
using HttpRaft.Client.Tests.Fakes;
using static HttpRaft.Client.Tests.Fakes.FakeClient;

namespace HttpRaft.Client.Tests.Unit;

/// <summary>
/// Membership and leadership calls against scripted members that answer as the cluster routes do (src/HttpRaft/Api/ClusterApi.cs:
/// routes, bodies, statuses, problem details). The same calls run against live clusters in
/// <see cref="Cluster.ClientMembershipTests"/> and <see cref="Cluster.LeadershipTransferTests"/>.
/// </summary>
public sealed class ClusterAdminTests
{
    /// <summary>GET /cluster on the leader, A: each member's progress included.</summary>
    private const string Cluster = $$"""
        {"leader":{"id":0,"api":"{{A}}"},"term":4,"configIndex":12,"failureTolerance":1,"members":[
          {"id":0,"peer":"a.test:8000","api":"{{A}}","role":"voter","matchIndex":30,"lag":0,"lastContactMs":0},
          {"id":1,"peer":"b.test:8000","api":"{{B}}","role":"voter","matchIndex":30,"lag":0,"lastContactMs":25},
          {"id":3,"peer":"d.test:8000","api":"d.test:9000","role":"learner","matchIndex":20,"lag":10,"lastContactMs":50}]}
        """;

    /// <summary>GET /cluster on a follower, B: the same membership, without progress, which only the leader tracks.</summary>
    private const string ClusterFromFollower = $$"""
        {"leader":{"id":0,"api":"{{A}}"},"term":4,"configIndex":12,"failureTolerance":1,"members":[
          {"id":0,"peer":"a.test:8000","api":"{{A}}","role":"voter"},
          {"id":1,"peer":"b.test:8000","api":"{{B}}","role":"voter"},
          {"id":3,"peer":"d.test:8000","api":"d.test:9000","role":"learner"}]}
        """;

    private readonly FakeMembers members = new();
    private readonly VirtualTime time = new();

    [Fact]
    public async Task The_cluster_is_read_from_the_leader_and_its_members_and_leader_are_learned()
    {
        members.On(A, _ => Answer.Json(HttpStatusCode.OK, Cluster));
        var client = Create(members, time, endpoints: [A]);

        var cluster = await client.GetClusterAsync();

        Assert.Equal("/cluster", members.Requests.Single().PathAndQuery);
        Assert.Equal((4L, 12L, 1, 3), (cluster.Term, cluster.ConfigIndex, cluster.FailureTolerance, cluster.Members.Count));
        Assert.Equal(new ClusterMember(3, "d.test:8000", "d.test:9000", "learner", 20, 10, 50), cluster.Members[2]);
        Assert.Equal(new Uri($"http://{A}/"), client.Leader);
        Assert.Equal([new Uri($"http://{A}/"), new Uri($"http://{B}/"), new Uri("http://d.test:9000/")], client.Members);
    }

    [Fact]
    public async Task A_follower_that_answers_the_cluster_names_the_leader_which_the_client_then_asks_for_progress()
    {
        members.On(B, _ => Answer.Json(HttpStatusCode.OK, ClusterFromFollower));
        members.On(A, _ => Answer.Json(HttpStatusCode.OK, Cluster));
        var client = Create(members, time, endpoints: [B]);

        var cluster = await client.GetClusterAsync();

        Assert.Equal([B, A], members.Requests.Select(r => r.Member));
        Assert.All(cluster.Members, m => Assert.NotNull(m.MatchIndex));
        Assert.Equal(new Uri($"http://{A}/"), client.Leader);
    }

    [Fact]
    public async Task When_the_leader_a_follower_names_does_not_answer_the_followers_membership_is_the_answer()
    {
        members.On(B, _ => Answer.Json(HttpStatusCode.OK, ClusterFromFollower));
        var client = Create(members, time, endpoints: [B]);

        var cluster = await client.GetClusterAsync();

        Assert.Equal([B, A], members.Requests.Select(r => r.Member));
        Assert.Equal([0, 1, 3], cluster.Members.Select(m => m.Id));
        Assert.All(cluster.Members, m => Assert.Null(m.MatchIndex));
        Assert.Empty(time.Delays);
    }

    [Theory]
    [InlineData(MemberRole.Learner, "learner")]
    [InlineData(MemberRole.Voter, "voter")]
    public async Task Adding_a_member_posts_its_addresses_and_role_to_the_leader(MemberRole role, string wire)
    {
        members.On(B, _ => Answer.Redirect(A, "/cluster/members"));
        members.On(A, _ => Answer.Json(HttpStatusCode.Created, $$"""{"id":4,"peer":"e.test:8000","api":"e.test:9000","role":"learner"}"""));
        var client = Create(members, time, endpoints: [B]);

        var added = await client.AddMemberAsync("e.test:8000", "e.test:9000", role);

        Assert.Equal([B, A], members.Requests.Select(r => r.Member));
        Assert.All(members.Requests, r => Assert.Equal((HttpMethod.Post, "/cluster/members"), (r.Method, r.PathAndQuery)));
        Assert.All(members.Requests, r => Assert.Equal($$"""{"peer":"e.test:8000","api":"e.test:9000","role":"{{wire}}"}""", r.Body));
        Assert.Equal(new ClusterMember(4, "e.test:8000", "e.test:9000", "learner"), added);
    }

    [Fact]
    public async Task Promoting_posts_to_the_members_promote_route()
    {
        members.On(A, _ => Answer.Json(HttpStatusCode.OK, """{"id":3,"peer":"d.test:8000","api":"d.test:9000","role":"voter"}"""));
        var client = Create(members, time);

        var promoted = await client.PromoteMemberAsync(3);

        Assert.Equal((HttpMethod.Post, "/cluster/members/3/promote"), (members.Requests.Single().Method, members.Requests.Single().PathAndQuery));
        Assert.Equal("voter", promoted.Role);
    }

    [Fact]
    public async Task Removing_deletes_the_member_returns_the_new_membership_and_the_client_stops_using_the_member()
    {
        members.On(A, r => r.Method == HttpMethod.Get
            ? Answer.Json(HttpStatusCode.OK, Cluster)
            : Answer.Json(HttpStatusCode.OK, $$"""
                {"leader":{"id":0,"api":"{{A}}"},"term":4,"configIndex":15,"failureTolerance":0,"members":[
                  {"id":0,"peer":"a.test:8000","api":"{{A}}","role":"voter"},
                  {"id":1,"peer":"b.test:8000","api":"{{B}}","role":"voter"}]}
                """));
        var client = Create(members, time, endpoints: [A]);

        var cluster = await client.RemoveMemberAsync(3);

        // The client reads the membership first, to know which address member 3 has.
        Assert.Equal(["GET /cluster", "DELETE /cluster/members/3"], members.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal([0, 1], cluster.Members.Select(m => m.Id));
        Assert.Equal([new Uri($"http://{A}/"), new Uri($"http://{B}/")], client.Members);
    }

    [Fact]
    public async Task Removing_the_leader_follows_its_307_to_the_new_leader_which_removes_it()
    {
        members.On(A, r => r.Method == HttpMethod.Get ? Answer.Json(HttpStatusCode.OK, Cluster) : Answer.Redirect(B, "/cluster/members/0"));
        members.On(B, _ => Answer.Json(HttpStatusCode.OK, $$"""
            {"leader":{"id":1,"api":"{{B}}"},"term":5,"configIndex":14,"failureTolerance":0,"members":[
              {"id":1,"peer":"b.test:8000","api":"{{B}}","role":"voter"},
              {"id":3,"peer":"d.test:8000","api":"d.test:9000","role":"learner"}]}
            """));
        var client = Create(members, time, endpoints: [A]);

        var cluster = await client.RemoveMemberAsync(0);

        Assert.Equal(
            [$"GET {A}/cluster", $"DELETE {A}/cluster/members/0", $"DELETE {B}/cluster/members/0"],
            members.Requests.Select(r => $"{r.Method} {r.Member}{r.PathAndQuery}"));
        Assert.Equal((1, 0), (cluster.Leader?.Id, cluster.FailureTolerance));
        Assert.Equal(new Uri($"http://{B}/"), client.Leader);
        Assert.DoesNotContain(new Uri($"http://{A}/"), client.Members);
        Assert.Empty(time.Delays);
    }

    [Theory]
    [InlineData(2, """{"id":2}""")]
    [InlineData(null, "{}")]
    public async Task A_transfer_names_its_target_or_none_and_the_client_follows_the_new_leader(int? target, string body)
    {
        members.On(A, _ => Answer.Json(HttpStatusCode.OK, $$$"""{"leader":{"id":2,"api":"{{{C}}}"}}"""));
        var client = Create(members, time);

        var leader = await client.TransferLeadershipAsync(target);

        var request = members.Requests.Single();
        Assert.Equal((HttpMethod.Post, "/cluster/leader", body), (request.Method, request.PathAndQuery, request.Body));
        Assert.Equal(new LeaderInfo(2, C), leader);
        Assert.Equal(new Uri($"http://{C}/"), client.Leader);
    }

    [Fact]
    public async Task A_conflict_is_an_HttpRaftConflictException_with_the_servers_reason()
    {
        members.On(A, _ => Answer.Problem(HttpStatusCode.Conflict, "Node 3 is not a voting member of the cluster."));
        var client = Create(members, time);

        var e = await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.TransferLeadershipAsync(3));

        Assert.Equal("Node 3 is not a voting member of the cluster.", e.Detail);
        Assert.Single(members.Requests);
    }

    [Fact]
    public async Task Removing_an_unknown_member_is_a_404_problem()
    {
        members.On(A, r => r.Method == HttpMethod.Get ? Answer.Json(HttpStatusCode.OK, Cluster) : Answer.Problem(HttpStatusCode.NotFound, "No member has that id."));
        var client = Create(members, time);

        var e = await Assert.ThrowsAsync<HttpRaftProblemException>(() => client.RemoveMemberAsync(9));

        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task A_change_refused_while_another_is_pending_is_sent_to_the_leader_again_after_Retry_After()
    {
        const string pending = "Another membership change is not committed yet, or the leader was just elected; retry shortly.";
        members.OnSequence(A,
            _ => Answer.Problem(HttpStatusCode.ServiceUnavailable, pending, $"\"leader\":\"{A}\"", retryAfterSeconds: 1),
            _ => Answer.Problem(HttpStatusCode.ServiceUnavailable, pending, $"\"leader\":\"{A}\"", retryAfterSeconds: 1),
            _ => Answer.Json(HttpStatusCode.Created, """{"id":4,"peer":"e.test:8000","api":"e.test:9000","role":"learner"}"""));
        var client = Create(members, time);

        var added = await client.AddMemberAsync("e.test:8000", "e.test:9000");

        Assert.Equal(4, added.Id);
        Assert.Equal([A, A, A], members.Requests.Select(r => r.Member));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], time.Delays);
        Assert.Equal(new Uri($"http://{A}/"), client.Leader);
    }

    [Fact]
    public async Task A_change_still_pending_at_the_deadline_is_unavailable_with_the_servers_reason()
    {
        members.On(A, _ => Answer.Problem(HttpStatusCode.ServiceUnavailable, "Another membership change is not committed yet.", $"\"leader\":\"{A}\"", retryAfterSeconds: 1));
        var client = Create(members, time, o => o.OperationDeadline = TimeSpan.FromSeconds(3));

        var e = await Assert.ThrowsAsync<HttpRaftUnavailableException>(() => client.PromoteMemberAsync(3));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Contains("Another membership change is not committed yet.", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Attempts);
    }

    [Fact]
    public async Task An_add_whose_answer_was_lost_is_found_in_the_membership_instead_of_failing_as_a_conflict()
    {
        var posts = 0;
        members.On(A, r => r.Method == HttpMethod.Get
            ? Answer.Json(HttpStatusCode.OK, Cluster.Replace("\"lastContactMs\":50}", "\"lastContactMs\":50},{\"id\":4,\"peer\":\"e.test:8000\",\"api\":\"e.test:9000\",\"role\":\"learner\"}", StringComparison.Ordinal))
            : Interlocked.Increment(ref posts) == 1
                ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "The connection closed before the answer.")
                : Answer.Problem(HttpStatusCode.Conflict, "Node 4 is a member at that address already."));
        var client = Create(members, time, endpoints: [A]);

        var added = await client.AddMemberAsync("e.test:8000", "e.test:9000");

        Assert.Equal(4, added.Id);
        Assert.Equal(["POST", "POST", "GET"], members.Requests.Select(r => r.Method.Method));
    }

    [Fact]
    public async Task A_transfer_whose_answer_was_lost_is_confirmed_by_the_leaders_status()
    {
        var posts = 0;
        members.On(A, r => r.Method == HttpMethod.Get
            ? Answer.Json(HttpStatusCode.OK, $$"""{"id":0,"role":"Follower","term":5,"leader":{"id":2,"api":"{{C}}"},"commitIndex":9,"appliedIndex":9,"lastIndex":9}""")
            : Interlocked.Increment(ref posts) == 1
                ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "The connection closed before the answer.")
                : Answer.Problem(HttpStatusCode.Conflict, "Node 2 already leads."));
        var client = Create(members, time, endpoints: [A]);

        var leader = await client.TransferLeadershipAsync(2);

        Assert.Equal(new LeaderInfo(2, C), leader);
        Assert.Equal(["POST /cluster/leader", "POST /cluster/leader", "GET /status"], members.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
    }

    [Fact]
    public async Task A_conflict_with_no_earlier_attempt_is_reported_even_if_the_member_exists()
    {
        members.On(A, r => r.Method == HttpMethod.Get
            ? Answer.Json(HttpStatusCode.OK, Cluster)
            : Answer.Problem(HttpStatusCode.Conflict, "Node 3 is a member at that address already."));
        var client = Create(members, time, endpoints: [A]);

        await Assert.ThrowsAsync<HttpRaftConflictException>(() => client.AddMemberAsync("d.test:8000", "d.test:9000"));
        Assert.Single(members.Requests);
    }
}
