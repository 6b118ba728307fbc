using HttpRaft.AspNetCore.Observability;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace HttpRaft.Dashboard;

/// <summary>
/// Lets a page served by one member call the others: the dashboard reads every member's event stream, and sends its
/// actions to the leader, wherever the page came from. Only the members' own API origins are allowed, and no
/// credentials (cookies): an API key travels in the Authorization header the page sets itself. A request without an
/// Origin header (every non-browser client) passes straight through.
/// </summary>
internal static class DashboardCors
{
    public static IServiceCollection AddDashboardCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IClusterMembers>((cors, members) => cors.AddDefaultPolicy(policy => policy
            .SetIsOriginAllowed(origin => IsMemberOrigin(members, origin))
            .WithMethods("GET", "POST", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "Idempotency-Key")
            .WithExposedHeaders("Location", "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    /// <summary>True when <paramref name="origin"/> (<c>scheme://host:port</c>) is a member's client API.</summary>
    public static bool IsMemberOrigin(IClusterMembers members, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && members.Members.Any(m => Uri.Compare(m.ApiBase, uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0);
}
