using System.Security.Claims;
using System.Text.Encodings.Web;
using HttpRaft.AspNetCore.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HttpRaft.Security;

/// <summary>
/// The <c>ApiKey</c> authentication scheme: a client presents <c>Authorization: Bearer &lt;key&gt;</c>; a known key
/// becomes a principal with its scopes as claims (<c>admin</c> implies <c>write</c>, which implies <c>read</c>). 401 and 403
/// are problem details.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!keys.Enabled) return Task.FromResult(AuthenticateResult.NoResult());
        var token = BearerToken.From(Request);
        if (token is null) return Task.FromResult(AuthenticateResult.NoResult());
        if (keys.ScopeOf(token) is not { } scope) return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
        var claims = ApiScopes.Implied(scope).Select(s => new Claim(ApiScopes.ClaimType, s));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var detail = result.Failure is null
            ? "This route needs an API key: send Authorization: Bearer <key>."
            : "The API key is not valid.";
        await AuthProblem.ChallengeAsync(Context, detail).ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthProblem.ForbidAsync(Context, $"This API key's scope does not allow this route: it needs the {ClientScopeHandler.ScopeFor(Context)} scope (appending needs write, changing the cluster needs admin).");
}
