using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore;

/// <summary>
/// Keeps the node's two ports apart both ways (docs/design.md §4): a peer route asked for on the client port, or
/// anything but a peer route on the peer port, is a 404 exactly like an unknown route, before authentication can
/// answer 401 and so tell a stranger that the route exists. It checks the connection's local port, because the Host
/// header (what <c>RequireHost</c> matches) is whatever the client writes.
/// </summary>
public static class PortSeparation
{
    /// <summary>Adds the check; call it before authentication and before anything that serves routes (Swagger, static files).</summary>
    public static IApplicationBuilder UseHttpRaftPortSeparation(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var peerPort = app.ApplicationServices.GetRequiredService<IOptions<RaftHostOptions>>().Value.PeerListenAddress.Port;
        return app.Use((context, next) =>
        {
            var onPeerPort = context.Connection.LocalPort == peerPort;
            var peerRoute = context.Request.Path.StartsWithSegments(PeerEndpoints.Prefix, StringComparison.OrdinalIgnoreCase);
            if (onPeerPort == peerRoute) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }
}
