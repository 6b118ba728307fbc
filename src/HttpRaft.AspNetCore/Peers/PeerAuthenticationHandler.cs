using System.Security.Claims;
using System.Text.Encodings.Web;
using HttpRaft.AspNetCore.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Authenticates a peer by <c>Authorization: Bearer &lt;clusterSecret&gt;</c>, compared in constant time. With no
/// secret configured every caller counts as a peer (the node warned at start-up that its peer port is open).
/// A refusal is a 401 problem and a throttled log line that names the path and the caller, never the token.
/// </summary>
internal sealed class PeerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ClusterSecretCheck secret,
    PeerRejections rejections)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string PeerName = "peer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (secret.Digest is { } digest)
        {
            var token = BearerToken.From(Request);
            if (token is null) return Task.FromResult(AuthenticateResult.Fail("no Authorization: Bearer header"));
            if (!digest.Matches(token)) return Task.FromResult(AuthenticateResult.Fail("wrong cluster secret"));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, PeerName)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var reason = result.Failure?.Message ?? "not authenticated";
        rejections.Record(Request.Path, Context.Connection.RemoteIpAddress?.ToString(), reason);
        await AuthProblem.ChallengeAsync(Context, $"Peer requests must carry the cluster secret: {reason}.").ConfigureAwait(false);
    }
}
