using HttpRaft.AspNetCore.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HttpRaft.AspNetCore;

/// <summary>
/// Maps the peer API (DESIGN §4), served on the peer port only: <c>/raft/stream</c>, the long-lived binary stream
/// the nodes send on, and one JSON POST route per message kind under <c>/raft/</c> for tools and older senders.
/// </summary>
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
        group.MapPost("stream", (HttpContext context, PeerStreamReceiver receiver) => receiver.ReceiveAsync(context))
            .WithName("raft-stream");
        return group;
    }
}
