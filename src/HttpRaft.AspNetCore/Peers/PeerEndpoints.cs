using HttpRaft.AspNetCore.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HttpRaft.AspNetCore;

/// <summary>Maps the peer API (DESIGN §4): one POST route per message kind under <c>/raft/</c>, served on the peer port only.</summary>
public static class PeerEndpoints
{
    public static RouteGroupBuilder MapHttpRaftPeers(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(PeerRoute.Prefix)
            .ExcludeFromDescription()
            .AddEndpointFilter<PeerPortFilter>();
        foreach (var route in PeerRoute.All)
        {
            group.MapPost(route.Name, (HttpContext context, PeerReceiver receiver) => receiver.ReceiveAsync(context, route))
                .WithName($"raft-{route.Name}");
        }
        return group;
    }
}
