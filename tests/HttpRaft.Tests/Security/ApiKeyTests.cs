using System.Net;
using System.Text.Json;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Tests.Security;

/// <summary>A three-node cluster with a cluster secret and two API keys, one per scope.</summary>
public sealed class ApiKeyClusterFixture : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Cluster = TestCluster.Start(ClusterLayout.Create(3) with { Extra = [SecureCluster.SecretSetting, .. SecureCluster.ApiKeySettings] });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>With API keys configured, reads need a read key and appends a write key; health probes stay open.</summary>
public sealed class ApiKeyTests(ApiKeyClusterFixture fixture) : IClassFixture<ApiKeyClusterFixture>
{
    private const string Entry = """{"entry": "keyed"}""";

    private TestCluster Cluster => fixture.Cluster;

    public static TheoryData<string, string> ProtectedRoutes => new()
    {
        { "POST", "/log" },
        { "POST", "/request" },
        { "GET", "/log" },
        { "GET", "/log/1" },
        { "GET", "/status" },
        { "POST", "/cluster/leader" },
        { "GET", "/metrics" },
        { "GET", "/dashboard/events" },
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Without_a_key_every_client_route_answers_401(string method, string path)
    {
        using var response = await SendAsync(method, path, token: null);

        await SecureCluster.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task An_unknown_key_answers_401(string method, string path)
    {
        using var response = await SendAsync(method, path, "not-a-configured-key-0123456789");

        await SecureCluster.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/log")]
    [InlineData("/request")]
    public async Task A_read_key_may_not_append(string path)
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var before = Cluster.Log(leader).View.LastIndex;

        using var response = await Cluster.SendAsync(HttpMethod.Post, Cluster.Api(leader, path), Entry, SecureCluster.ReadKey);

        await SecureCluster.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(before, Cluster.Log(leader).View.LastIndex);
    }

    [Theory]
    [InlineData(SecureCluster.ReadKey)]
    [InlineData(SecureCluster.WriteKey)]
    public async Task Only_an_admin_key_may_change_the_cluster(string key)
    {
        var leader = await Cluster.WaitForLeaderAsync();

        using var refused = await Cluster.SendAsync(HttpMethod.Post, Cluster.Api(leader, "/cluster/leader"), "{}", key);

        await SecureCluster.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Contains("admin", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(leader, await Cluster.WaitForLeaderAsync());
    }

    [Theory]
    [InlineData(SecureCluster.ReadKey)]
    [InlineData(SecureCluster.WriteKey)]
    public async Task Only_an_admin_key_may_delete_entries(string key)
    {
        var leader = await Cluster.WaitForLeaderAsync();
        using var appended = await Cluster.SendAsync(HttpMethod.Post, Cluster.Api(leader, "/log"), Entry, SecureCluster.WriteKey);
        var commit = Cluster.Log(leader).View.CommitIndex;

        using var refused = await Cluster.SendAsync(HttpMethod.Delete, Cluster.Api(leader, $"/log?before={commit}"), null, key);
        using var anonymous = await Cluster.SendAsync(HttpMethod.Delete, Cluster.Api(leader, $"/log?before={commit}"), null, null);

        await SecureCluster.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(1, Cluster.Log(leader).View.FirstIndex);
    }

    [Fact]
    public async Task An_admin_key_may_delete_entries()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        // Before index 1 deletes nothing, so the other tests sharing this cluster keep their entries.
        using var deleted = await Cluster.SendAsync(HttpMethod.Delete, Cluster.Api(leader, "/log?before=1"), null, SecureCluster.AdminKey);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    [Fact]
    public async Task An_admin_key_hands_leadership_over_and_may_also_append_and_read()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        using var moved = await Cluster.SendAsync(HttpMethod.Post, Cluster.Api(leader, "/cluster/leader"), "{}", SecureCluster.AdminKey);
        var next = await Cluster.WaitForLeaderAsync();
        using var appended = await Cluster.SendAsync(HttpMethod.Post, Cluster.Api(next, "/log"), Entry, SecureCluster.AdminKey);
        using var read = await Cluster.SendAsync(HttpMethod.Get, Cluster.Api(next, "/status"), null, SecureCluster.AdminKey);

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.NotEqual(leader, next);
        Assert.Equal(HttpStatusCode.Created, appended.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task A_write_key_appends_and_a_read_key_reads_it_back()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        using var appended = await Cluster.SendAsync(HttpMethod.Post, Cluster.Api(leader, "/log"), Entry, SecureCluster.WriteKey);
        Assert.Equal(HttpStatusCode.Created, appended.StatusCode);
        var location = appended.Headers.Location!.ToString();

        using var read = await Cluster.SendAsync(HttpMethod.Get, Cluster.Api(leader, location), null, SecureCluster.ReadKey);
        using var readWithWriteKey = await Cluster.SendAsync(HttpMethod.Get, Cluster.Api(leader, "/status"), null, SecureCluster.WriteKey);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("keyed", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, readWithWriteKey.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/swagger/v1/swagger.json")]
    [InlineData("/dashboard")]
    public async Task Health_probes_and_the_api_description_stay_open(string path)
    {
        await Cluster.WaitForLeaderAsync();

        using var response = await Cluster.SendAsync(HttpMethod.Get, Cluster.Api(0, path), null, token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Swagger_offers_the_bearer_scheme_on_keyed_routes_only()
    {
        using var document = JsonDocument.Parse(await Cluster.Http.GetStringAsync(Cluster.Api(0, "/swagger/v1/swagger.json")));
        var root = document.RootElement;

        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.True(root.GetProperty("paths").GetProperty("/log").GetProperty("post").TryGetProperty("security", out _));
        Assert.True(root.GetProperty("paths").GetProperty("/status").GetProperty("get").TryGetProperty("security", out _));
        Assert.False(root.GetProperty("paths").GetProperty("/health/live").GetProperty("get").TryGetProperty("security", out _));
    }

    private Task<HttpResponseMessage> SendAsync(string method, string path, string? token) =>
        Cluster.SendAsync(new HttpMethod(method), Cluster.Api(0, path), method == "POST" ? Entry : null, token);
}
