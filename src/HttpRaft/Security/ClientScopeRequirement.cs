using Microsoft.AspNetCore.Authorization;

namespace HttpRaft.Security;

/// <summary>
/// The client routes' one authorization rule: a route marked with <see cref="AdminScopeMetadata"/> (the routes that
/// change the cluster) needs the <c>admin</c> scope; otherwise a GET or HEAD needs <c>read</c> and anything else (an
/// append) <c>write</c>. Deciding by method and group metadata lets a whole route group carry one policy, so a route
/// added to a group later is covered without touching its handler. With no API keys configured, all pass.
/// </summary>
internal sealed class ClientScopeRequirement : IAuthorizationRequirement;

/// <summary>Endpoint metadata: the route changes the cluster and needs the <c>admin</c> scope.</summary>
internal sealed class AdminScopeMetadata;

/// <summary>Checks <see cref="ClientScopeRequirement"/> against the scopes the <c>ApiKey</c> scheme put on the caller.</summary>
internal sealed class ClientScopeHandler(ApiKeyRing keys) : AuthorizationHandler<ClientScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ClientScopeRequirement requirement)
    {
        if (!keys.Enabled || (context.Resource is HttpContext http && context.User.HasClaim(ApiScopes.ClaimType, ScopeFor(http)))) context.Succeed(requirement);
        return Task.CompletedTask;
    }

    /// <summary>The scope the request's route needs.</summary>
    public static string ScopeFor(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AdminScopeMetadata>() is not null) return ApiScopes.Admin;
        return HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? ApiScopes.Read : ApiScopes.Write;
    }
}
