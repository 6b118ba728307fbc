using HttpRaft.AspNetCore.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Peer authentication as ASP.NET Core machinery: the <see cref="SchemeName"/> scheme checks the cluster secret,
/// and the <see cref="PolicyName"/> policy, required by the whole <c>/raft</c> route group, lets through only
/// requests it authenticated, so an unauthenticated message never reaches the node loop.
/// </summary>
internal static class PeerAuthentication
{
    public const string SchemeName = "HttpRaft.ClusterSecret";

    public const string PolicyName = "HttpRaft.Peer";

    public static void AddPeerAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<PeerRejections>();
        services.AddSingleton<ClusterSecretCheck>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, PeerAuthenticationHandler>(SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy
            .AddAuthenticationSchemes(SchemeName)
            .RequireAuthenticatedUser());
        services.AddTransient<ClusterSecretHandler>();
    }
}

/// <summary>The configured cluster secret as a digest, or null when the peer routes are open.</summary>
internal sealed class ClusterSecretCheck(IOptions<RaftHostOptions> options)
{
    public SecretDigest? Digest { get; } = string.IsNullOrEmpty(options.Value.ClusterSecret) ? null : new SecretDigest(options.Value.ClusterSecret);
}

/// <summary>Logs refused peer requests, throttled: at most one line per 10 seconds, with the count held back.</summary>
internal sealed class PeerRejections(TimeProvider time, ILogger<PeerRejections> logger)
{
    private readonly LogThrottle throttle = new(time, TimeSpan.FromSeconds(10));

    public void Record(string path, string? remote, string reason)
    {
        if (throttle.TryEnter(out var skipped)) HostLog.UnauthenticatedPeer(logger, path, remote ?? "?", reason, skipped);
    }
}
