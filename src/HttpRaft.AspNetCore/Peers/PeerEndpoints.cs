using HttpRaft.AspNetCore.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore;

/// <summary>
/// Maps the peer API (docs/design.md §4), served on the peer port only: <c>/raft/stream</c>, the long-lived binary stream
/// the nodes send on, and one JSON POST route per message kind under <c>/raft/</c> for tools and older senders;
/// only to callers that prove the cluster secret. The group carries the policy, so every route added to it is
/// covered. The app must run ASP.NET Core's authentication and authorization middleware (WebApplication adds it).
/// </summary>
public static class PeerEndpoints
{
    public static RouteGroupBuilder MapHttpRaftPeers(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        WarnIfOpen(endpoints.ServiceProvider);
        var group = endpoints.MapGroup(PeerRoute.Prefix)
            .ExcludeFromDescription()
            .RequireAuthorization(PeerAuthentication.PolicyName)
            .AddEndpointFilter<PeerPortFilter>();
        foreach (var route in PeerRoute.All)
        {
            group.MapPost(route.Name, (HttpContext context, PeerReceiver receiver) => receiver.ReceiveAsync(context, route))
                .WithName($"raft-{route.Name}");
        }
        group.MapPost("stream", (HttpContext context, PeerStreamReceiver receiver) => receiver.ReceiveAsync(context))
            .WithName("raft-stream");
        return group;
    }

    private static void WarnIfOpen(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<RaftHostOptions>>().Value;
        if (!string.IsNullOrEmpty(settings.ClusterSecret)) return;
        HostLog.PeerPortOpen(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PeerEndpoints)), settings.PeerAddress.Port);
    }
}
