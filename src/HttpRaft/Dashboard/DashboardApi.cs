using System.Text;
using HttpRaft.AspNetCore.Observability;
using Microsoft.Extensions.Primitives;

namespace HttpRaft.Dashboard;

/// <summary>
/// <c>GET /dashboard</c>, the live cluster page (docs/design.md §9), and <c>GET /dashboard/events</c>, this node's state as
/// Server-Sent Events, which the page reads from every member.
/// </summary>
internal static class DashboardApi
{
    public const string PagePath = "/dashboard";
    public const string EventsPath = "/dashboard/events";

    /// <summary>The page and its files: open to all, since they hold no data (the page asks for a key when the events need one).</summary>
    public static RouteGroupBuilder MapDashboardPage(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(PagePath).WithTags("Operations");
        group.MapGet("", (HttpContext context, IClusterMembers members) => Serve(context, members, "index.html"))
            .WithName("Dashboard")
            .WithSummary("The live cluster dashboard")
            .WithDescription("An HTML page showing every member's role, term, log and replication live, with the operator's actions. Self-contained: nothing is loaded from any other host.");
        group.MapGet("assets/{name}", (HttpContext context, IClusterMembers members, string name) => Serve(context, members, name))
            .ExcludeFromDescription();
        return group;
    }

    /// <summary>The event stream: the data, so it is behind the API key (read scope) when keys are configured.</summary>
    public static RouteGroupBuilder MapDashboardEvents(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(EventsPath).WithTags("Operations");
        group.MapGet("", (DashboardStream stream, CancellationToken cancellationToken) => TypedResults.ServerSentEvents(stream.FramesAsync(cancellationToken)))
            .WithName("DashboardEvents")
            .WithSummary("This node's live state as Server-Sent Events")
            .WithDescription("`event: state` about four times a second (at least every 2 s): role, term, leader, first/applied/commit/last index, on the leader each follower's match index, lag and progress state, per-second rates (commits/s, append and fsync p99, loop saturation) and timeline events (elections, leader changes).");
        return group;
    }

    private static IResult Serve(HttpContext context, IClusterMembers members, string name)
    {
        if (DashboardAssets.Find(name) is not { } file) return TypedResults.NotFound();
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(members);
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        return TypedResults.Bytes(file.Content, file.ContentType);
    }

    /// <summary>
    /// The browser itself enforces "self-contained": scripts, styles and images from this node only, and connections
    /// only to this node and the other members' APIs (for their event streams and the actions).
    /// </summary>
    private static StringValues ContentSecurityPolicy(IClusterMembers members)
    {
        var connect = new StringBuilder("'self'");
        foreach (var member in members.Members) connect.Append(' ').Append(member.ApiBase.GetLeftPart(UriPartial.Authority));
        return $"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src {connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }
}
