using HttpRaft.AspNetCore.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore;

/// <summary>
/// Maps the peer API (docs/design.md §4), served on the peer port only: <c>/raft/stream</c>, the long-lived binary
/// stream the nodes send every message on, only to callers that prove the cluster secret. The group carries the
/// policy, so every route added to it is covered. The app must run ASP.NET Core's authentication and authorization
/// middleware (WebApplication adds it), after <see cref="PortSeparation.UseHttpRaftPortSeparation"/>.
/// </summary>
public static class PeerEndpoints
{
    /// <summary>Where every peer route lives.</summary>
    public const string Prefix = "/raft";

    public static RouteGroupBuilder MapHttpRaftPeers(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        WarnIfOpen(endpoints.ServiceProvider);
        var group = endpoints.MapGroup(Prefix)
            .ExcludeFromDescription()
            .RequireAuthorization(PeerAuthentication.PolicyName);
        group.MapPost("stream", (HttpContext context, PeerStreamReceiver receiver) => receiver.ReceiveAsync(context))
            .WithName("raft-stream");
        return group;
    }

    private static void WarnIfOpen(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<RaftHostOptions>>().Value;
        if (!string.IsNullOrEmpty(settings.ClusterSecret)) return;
        HostLog.PeerPortOpen(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PeerEndpoints)), settings.PeerListenAddress.Port);
    }
}
