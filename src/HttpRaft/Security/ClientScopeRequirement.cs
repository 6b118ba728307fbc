using Microsoft.AspNetCore.Authorization;

namespace HttpRaft.Security;

/// <summary>
/// The client routes' one authorization rule: a GET or HEAD needs the <c>read</c> scope, anything else (an
/// append) the <c>write</c> scope. Deciding by method lets a whole route group carry one policy, so a route
/// added to a group later is covered without touching its handler. With no API keys configured, all pass.
/// </summary>
internal sealed class ClientScopeRequirement : IAuthorizationRequirement;

/// <summary>Checks <see cref="ClientScopeRequirement"/> against the scopes the <c>ApiKey</c> scheme put on the caller.</summary>
internal sealed class ClientScopeHandler(ApiKeyRing keys) : AuthorizationHandler<ClientScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ClientScopeRequirement requirement)
    {
        if (!keys.Enabled || context.User.HasClaim(ApiScopes.ClaimType, ScopeFor(context.Resource))) context.Succeed(requirement);
        return Task.CompletedTask;
    }

    private static string ScopeFor(object? resource) =>
        resource is HttpContext http && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            ? ApiScopes.Read
            : ApiScopes.Write;
}
