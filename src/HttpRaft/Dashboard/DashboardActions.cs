using Microsoft.AspNetCore.Routing.Patterns;

namespace HttpRaft.Dashboard;

/// <summary>
/// The operator's actions this node's API offers, so the page shows a button only where a route exists behind it:
/// found once among the mapped endpoints (docs/design.md §3 routes, mapped by whichever version of the node runs).
/// </summary>
/// <param name="TransferLeader"><c>POST /cluster/leader</c> exists.</param>
/// <param name="AddMember"><c>POST /cluster/members</c> exists.</param>
/// <param name="RemoveMember"><c>DELETE /cluster/members/{id}</c> exists.</param>
internal sealed record DashboardActions(bool TransferLeader, bool AddMember, bool RemoveMember)
{
    public static DashboardActions From(EndpointDataSource endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var routes = endpoints.Endpoints.OfType<RouteEndpoint>().ToList();
        return new DashboardActions(
            Offers(routes, "POST", "/cluster/leader"),
            Offers(routes, "POST", "/cluster/members"),
            Offers(routes, "DELETE", "/cluster/members/{id}"));
    }

    /// <summary>True when one of <paramref name="routes"/> answers <paramref name="method"/> on <paramref name="pattern"/>.</summary>
    public static bool Offers(IEnumerable<RouteEndpoint> routes, string method, string pattern) => routes.Any(route =>
        string.Equals(Normalize(route.RoutePattern), pattern, StringComparison.OrdinalIgnoreCase)
        && (route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase) ?? false));

    // "/cluster/members/{id:int}" and "cluster/members/{id}" name the same route.
    private static string Normalize(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            _ => "",
        }))));
}
