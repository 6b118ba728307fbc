using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Serves the peer routes only to connections that arrived on this node's peer port, answering 404 elsewhere
/// exactly like an unknown route. It checks the connection's local port because <c>RequireHost</c> matches
/// the Host header, which any client can forge.
/// </summary>
internal sealed class PeerPortFilter(IOptions<RaftHostOptions> options) : IEndpointFilter
{
    private readonly int peerPort = options.Value.PeerAddress.Port;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return context.HttpContext.Connection.LocalPort == peerPort
            ? next(context)
            : ValueTask.FromResult<object?>(Results.NotFound());
    }
}
