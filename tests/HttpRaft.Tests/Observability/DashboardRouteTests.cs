using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HttpRaft.Dashboard;
using HttpRaft.Tests.Cluster;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HttpRaft.Tests.Observability;

/// <summary><c>GET /dashboard</c> and its event stream over HTTP: self-contained, complete, and readable across members only.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed partial class DashboardRouteTests(SharedClusterFixture fixture)
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task The_page_and_its_files_come_from_the_node_and_name_no_other_host()
    {
        using var page = await Cluster.Http.GetAsync(Cluster.Api(0, "/dashboard"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains(NodeOrigin(1), policy, StringComparison.Ordinal);

        var html = await page.Content.ReadAsStringAsync();
        var files = Reference().Matches(html).Select(m => m.Groups["path"].Value).ToList();
        Assert.Equal(4, files.Count);
        foreach (var text in new[] { html }.Concat(await Task.WhenAll(files.Select(f => Cluster.Http.GetStringAsync(Cluster.Api(0, f))))))
        {
            var external = ExternalAddress().Match(text);
            Assert.False(external.Success, $"the dashboard refers to another host: {external.Value}");
        }
    }

    [Fact]
    public async Task An_unknown_file_is_404()
    {
        using var response = await Cluster.Http.GetAsync(Cluster.Api(0, "/dashboard/assets/secrets.json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_event_stream_tells_this_nodes_state_and_where_every_member_is()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var view = Cluster.Log(1).View;

        using var frame = await FirstFrameAsync(1, origin: null);

        var root = frame.RootElement;
        Assert.Equal(1, root.GetProperty("id").GetInt32());
        Assert.Equal(Cluster.Layout.Apis[1], root.GetProperty("api").GetString());
        Assert.Equal(leader == 1 ? "leader" : "follower", root.GetProperty("role").GetString());
        Assert.True(root.GetProperty("term").GetInt64() >= view.Term);
        var members = root.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], members.Select(m => m.GetProperty("id").GetInt32()));
        Assert.Equal(Cluster.Api(2, "/").ToString(), members[2].GetProperty("url").GetString());
        Assert.True(root.GetProperty("commitIndex").GetInt64() >= 0);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("samples").ValueKind);
    }

    [Fact]
    public async Task Another_members_page_may_read_the_stream_and_no_other_origin_may()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, Cluster.Api(1, "/dashboard/events"));
        request.Headers.Add("Origin", NodeOrigin(0));
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        using var preflight = await Cluster.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(NodeOrigin(0), preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var member = await OpenStreamAsync(1, NodeOrigin(0));
        using var stranger = await OpenStreamAsync(1, "http://elsewhere.example:9000");

        Assert.Equal(NodeOrigin(0), member.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(stranger.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public void The_actions_are_found_among_the_routes_the_node_maps()
    {
        var routes = Cluster.Services(0).GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        Assert.True(DashboardActions.Offers(routes, "POST", "/log"));
        Assert.True(DashboardActions.Offers(routes, "GET", "/log/{index}"));
        Assert.False(DashboardActions.Offers(routes, "DELETE", "/log/{index}"));
        Assert.False(DashboardActions.Offers(routes, "POST", "/no/such/route"));
    }

    private string NodeOrigin(int id) => Cluster.Api(id, "/").GetLeftPart(UriPartial.Authority);

    private async Task<HttpResponseMessage> OpenStreamAsync(int id, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Cluster.Api(id, "/dashboard/events"));
        if (origin is not null) request.Headers.Add("Origin", origin);
        var response = await Cluster.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    /// <summary>The data of the first <c>event: state</c> on node <paramref name="id"/>'s stream.</summary>
    private async Task<JsonDocument> FirstFrameAsync(int id, string? origin)
    {
        using var response = await OpenStreamAsync(id, origin);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? type = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "state") return JsonDocument.Parse(line[6..]);
        }
        throw new InvalidOperationException("The stream ended before its first state event.");
    }

    [GeneratedRegex(@"(?:src|href)=""(?<path>/dashboard/[^""]+)""")]
    private static partial Regex Reference();

    /// <summary>Anything that would make the browser fetch from another host (an SVG's xmlns is a name, not a fetch).</summary>
    [GeneratedRegex(@"(?<!xmlns="")(?<![\w:/])(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(\s*['""]?(?:https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalAddress();
}
