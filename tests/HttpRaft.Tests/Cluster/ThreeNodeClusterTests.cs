using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HttpRaft.Tests.Cluster;

/// <summary>A healthy three-node cluster: one leader, appends committed everywhere, followers pointing clients to the leader.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class ThreeNodeClusterTests(SharedClusterFixture fixture)
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Three_nodes_elect_exactly_one_leader()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        var statuses = new List<StatusJson>();
        foreach (var id in Cluster.RunningIds) statuses.Add((await Cluster.Http.GetFromJsonAsync<StatusJson>(Cluster.Api(id, "/status")))!);
        Assert.Single(statuses, s => s.Role == "Leader");
        Assert.All(statuses, s => Assert.Equal(new LeaderJson(leader, Cluster.Layout.Apis[leader]), s.Leader));
        Assert.Single(statuses.Select(s => s.Term).Distinct());
    }

    [Fact]
    public async Task Status_shows_each_node_s_write_ahead_log()
    {
        await Cluster.WaitForLeaderAsync();
        foreach (var id in Cluster.RunningIds)
        {
            var status = (await Cluster.Http.GetFromJsonAsync<StatusJson>(Cluster.Api(id, "/status")))!;
            Assert.NotNull(status.Storage);
            Assert.Equal(Path.GetFullPath(Cluster.DataDirectory(id)), status.Storage.DataDir);
            Assert.Equal("Always", status.Storage.Fsync);
            Assert.True(status.Storage.Segments >= 1);
            Assert.True(status.Storage.Bytes > 0);
        }
    }

    [Fact]
    public async Task Appends_on_the_leader_commit_on_all_three_nodes()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var tag = Guid.NewGuid().ToString("N");

        var acknowledged = new Dictionary<long, string>();
        for (var i = 0; i < 5; i++) acknowledged[await Cluster.AppendAsync(leader, $"{tag}-{i}")] = $"{tag}-{i}";

        foreach (var id in Cluster.RunningIds)
        {
            await Eventually.HoldsAsync(async () => ContainsAll(await Cluster.ReadLogAsync(id), acknowledged), $"node {id} to show the entries");
        }
        var logs = new List<IReadOnlyList<EntryJson>>();
        foreach (var id in Cluster.RunningIds) logs.Add(await Cluster.ReadLogAsync(id));
        Assert.All(logs, log => Assert.Equal(logs[0], log));
    }

    [Fact]
    public async Task Request_on_a_follower_answers_failure_with_the_leaders_api_address()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var follower = Cluster.OtherThan(leader);

        var answer = await PostRequestAsync(follower, "to a follower");

        Assert.Equal(new RequestJson(false, Cluster.Layout.Apis[leader], null, null), answer);
    }

    [Fact]
    public async Task Request_on_the_leader_succeeds_once_committed_even_with_a_foreign_host_header()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        var answer = await PostRequestAsync(leader, "to the leader");

        Assert.True(answer.Success);
        Assert.Equal(Cluster.Layout.Apis[leader], answer.Leader);
        var stored = await Cluster.Http.GetFromJsonAsync<EntryJson>(Cluster.Api(leader, $"/log/{answer.Index}"));
        Assert.Equal("to the leader", stored!.Entry);
    }

    [Fact]
    public async Task Post_log_on_a_follower_redirects_to_the_leaders_log()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var follower = Cluster.OtherThan(leader);

        using var response = await Cluster.Http.PostAsJsonAsync(Cluster.Api(follower, "/log"), new { entry = "redirect me" });

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(Cluster.Api(leader, "/log"), response.Headers.Location);
        Assert.Equal(Cluster.Layout.Apis[leader], (await response.Content.ReadFromJsonAsync<LeaderOnlyJson>())!.Leader);
    }

    [Fact]
    public async Task Status_on_the_leader_shows_each_followers_match_index()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var index = await Cluster.AppendAsync(leader, "progress");

        var status = await Eventually.GetAsync(
            async () => await Cluster.Http.GetFromJsonAsync<StatusJson>(Cluster.Api(leader, "/status")) is { } s && s.Peers!.All(p => p.MatchIndex >= index) ? s : null,
            "every follower's match index to reach the append");

        Assert.Equal(Cluster.RunningIds.Where(i => i != leader), status.Peers!.Select(p => p.Id));
        Assert.True(status.CommitIndex >= index);
    }

    [Fact]
    public async Task Health_routes_report_live_and_ready_once_a_leader_is_known()
    {
        await Cluster.WaitForLeaderAsync();

        foreach (var id in Cluster.RunningIds)
        {
            using var live = await Cluster.Http.GetAsync(Cluster.Api(id, "/health/live"));
            using var ready = await Cluster.Http.GetAsync(Cluster.Api(id, "/health/ready"));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
    }

    [Fact]
    public async Task Swagger_documents_every_client_route()
    {
        var document = await Cluster.Http.GetStringAsync(Cluster.Api(0, "/swagger/v1/swagger.json"));

        foreach (var route in new[] { "\"/request\"", "\"/log\"", "\"/log/{index}\"", "\"/status\"", "\"/health/live\"", "\"/health/ready\"" })
        {
            Assert.Contains(route, document, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("/raft/", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swagger_documents_the_membership_routes_leadership_transfer_and_deleting_the_prefix_with_examples()
    {
        using var document = JsonDocument.Parse(await Cluster.Http.GetStringAsync(Cluster.Api(0, "/swagger/v1/swagger.json")));
        var paths = document.RootElement.GetProperty("paths");

        foreach (var (path, method) in new[]
        {
            ("/cluster", "get"), ("/cluster/members", "post"), ("/cluster/members/{id}/promote", "post"),
            ("/cluster/members/{id}", "delete"), ("/cluster/leader", "post"), ("/log", "delete"),
        })
        {
            var operation = paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out var found) ? found : default;
            Assert.True(operation.ValueKind == JsonValueKind.Object, $"{method.ToUpperInvariant()} {path} is not documented");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("description").GetString()), $"{method.ToUpperInvariant()} {path} has no description");
        }
        var before = paths.GetProperty("/log").GetProperty("delete").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "before");
        Assert.Equal("query", before.GetProperty("in").GetString());
        Assert.Contains("first index to keep", before.GetProperty("description").GetString(), StringComparison.Ordinal);
        // Swagger UI pre-fills requests and shows answers from the schemas' examples.
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (var schema in new[] { "AddMemberRequest", "MemberResponse", "ClusterResponse", "TransferRequest", "LeaderResponse", "TruncateResponse" })
        {
            Assert.True(schemas.TryGetProperty(schema, out var found) && found.TryGetProperty("example", out _), $"the schema {schema} has no example");
        }
    }

    private async Task<RequestJson> PostRequestAsync(int id, string entry)
    {
        // As the original Postman collection sends it: a foreign Host header and a JSON body.
        using var request = new HttpRequestMessage(HttpMethod.Post, Cluster.Api(id, "/request")) { Content = JsonContent.Create(new { entry }) };
        request.Headers.Host = "me";
        using var response = await Cluster.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RequestJson>())!;
    }

    private static bool ContainsAll(IReadOnlyList<EntryJson> log, Dictionary<long, string> acknowledged) =>
        acknowledged.All(a => log.Any(e => e.Index == a.Key && e.Entry == a.Value));
}

/// <summary>The JSON of GET /status.</summary>
internal sealed record StatusJson(int Id, string Role, long Term, LeaderJson? Leader, long CommitIndex, long LastIndex, List<PeerJson>? Peers, StorageJson? Storage);

/// <summary>The <c>storage</c> object of GET /status.</summary>
internal sealed record StorageJson(string DataDir, string Fsync, int Segments, long Bytes);

/// <summary>The leader as GET /status names it.</summary>
internal sealed record LeaderJson(int Id, string Api);

/// <summary>One follower's progress in GET /status.</summary>
internal sealed record PeerJson(int Id, string Api, long MatchIndex);

/// <summary>The body of a 307.</summary>
internal sealed record LeaderOnlyJson(string Leader);
