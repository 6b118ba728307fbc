using System.Collections.Concurrent;
using System.Text.Json;
using HttpRaft.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HttpRaft.Client.Tests.Tool;

/// <summary>
/// Stand-ins for a leader and a follower serving the membership and leadership routes as the contract says
/// (docs/design.md §7: routes, bodies, statuses), on real sockets, so that the tool can be run against them until the
/// membership routes are on main. The follower answers every change with a 307 to the leader, as a real follower does.
/// </summary>
internal sealed class FakeAdminServer : IAsyncDisposable
{
    private readonly WebApplication leader;
    private readonly WebApplication follower;

    private FakeAdminServer(WebApplication leader, WebApplication follower, string leaderApi, string followerApi)
    {
        this.leader = leader;
        this.follower = follower;
        LeaderApi = leaderApi;
        FollowerApi = followerApi;
    }

    public string LeaderApi { get; }

    public string FollowerApi { get; }

    /// <summary>What the leader was sent: method, path and body.</summary>
    public ConcurrentQueue<(string Method, string Path, string Body)> Received { get; } = new();

    public string ClusterJson => $$"""
        {"leader":{"id":0,"api":"{{LeaderApi}}"},"term":7,"configIndex":21,"failureTolerance":1,"members":[
          {"id":0,"peer":"127.0.0.1:8100","api":"{{LeaderApi}}","role":"voter","matchIndex":40,"lag":0,"lastContactMs":0},
          {"id":1,"peer":"127.0.0.1:8101","api":"{{FollowerApi}}","role":"voter","matchIndex":40,"lag":0,"lastContactMs":15},
          {"id":3,"peer":"127.0.0.1:8103","api":"127.0.0.1:9103","role":"learner","matchIndex":31,"lag":9,"lastContactMs":48}]}
        """;

    public static async Task<FakeAdminServer> StartAsync()
    {
        var ports = FreePorts.Take(2);
        var leaderApi = $"127.0.0.1:{ports[0]}";
        var followerApi = $"127.0.0.1:{ports[1]}";
        FakeAdminServer? server = null;
        var leader = Build(ports[0], app =>
        {
            app.Use(async (context, next) =>
            {
                context.Request.EnableBuffering();
                var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
                context.Request.Body.Position = 0;
                server!.Received.Enqueue((context.Request.Method, context.Request.Path.Value!, body));
                await next();
            });
            app.MapGet("/cluster", () => Results.Text(server!.ClusterJson, "application/json"));
            app.MapPost("/cluster/members", async (HttpRequest request) =>
            {
                using var body = await JsonDocument.ParseAsync(request.Body);
                var peer = body.RootElement.GetProperty("peer").GetString();
                var api = body.RootElement.GetProperty("api").GetString();
                return Results.Text($$"""{"id":4,"peer":"{{peer}}","api":"{{api}}","role":"learner"}""", "application/json", statusCode: 201);
            });
            app.MapPost("/cluster/members/{id:int}/promote", (int id) => id == 3
                ? Results.Text("""{"id":3,"peer":"127.0.0.1:8103","api":"127.0.0.1:9103","role":"voter"}""", "application/json")
                : Results.Problem(statusCode: 409, detail: $"Member {id} has not caught up."));
            app.MapDelete("/cluster/members/{id:int}", (int id) => id == 3
                ? Results.Text(server!.ClusterJson.Replace("learner", "removed-in-test", StringComparison.Ordinal), "application/json")
                : Results.Problem(statusCode: 404, detail: $"No member {id}."));
            app.MapPost("/cluster/leader", async (HttpRequest request) =>
            {
                using var body = await JsonDocument.ParseAsync(request.Body);
                var id = body.RootElement.TryGetProperty("id", out var given) ? given.GetInt32() : 1;
                return id == 0
                    ? Results.Problem(statusCode: 409, detail: "Member 0 already leads.")
                    : Results.Text($$$"""{"leader":{"id":{{{id}}},"api":"{{{followerApi}}}"}}""", "application/json");
            });
        });
        var follower = Build(ports[1], app => app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = $"http://{leaderApi}{context.Request.Path}";
            return context.Response.WriteAsJsonAsync(new { leader = leaderApi });
        }));
        server = new FakeAdminServer(leader, follower, leaderApi, followerApi);
        await leader.StartAsync();
        await follower.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await leader.DisposeAsync();
        await follower.DisposeAsync();
    }

    private static WebApplication Build(int port, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        map(app);
        return app;
    }
}
