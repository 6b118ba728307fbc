using System.Text.Json;
using HttpRaft.AspNetCore.Node;
using HttpRaft.Consensus;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Turns one peer POST into one inbox input: decode strictly, validate, enqueue, answer 202 at once. The
/// answer to the message (a vote, an acknowledgement) travels later as its own POST, like the Go original.
/// </summary>
internal sealed class PeerReceiver(NodeInbox inbox, NodeViewHolder views, IOptions<RaftHostOptions> options, ILogger<PeerReceiver> logger)
{
    private readonly RaftHostOptions settings = options.Value;

    public async Task<Results<Accepted, ProblemHttpResult>> ReceiveAsync(HttpContext context, PeerRoute route)
    {
        AllowPeerSizedBody(context);
        Message? message;
        try
        {
            message = (Message?)await JsonSerializer.DeserializeAsync(context.Request.Body, route.TypeInfo, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Reject(route, StatusCodes.Status400BadRequest, $"Malformed {route.Name} message: {e.Message}");
        }
        catch (BadHttpRequestException e)
        {
            // Usually a sender that gave up mid-request (its timeout): a transport hiccup, not a bad peer.
            HostLog.UnreadableRequest(logger, route.Path, e.Message);
            return TypedResults.Problem(statusCode: e.StatusCode, detail: e.Message);
        }
        var problem = message is null ? "the body is JSON null" : PeerMessageValidator.Validate(message, settings.Id, settings.Peers.Count, PeerMessageLimits.For(settings, views.Current.Term));
        if (problem is not null) return Reject(route, StatusCodes.Status400BadRequest, $"Invalid {route.Name} message: {problem}");
        return inbox.TryPost(new PeerInput(message!))
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "The node's inbox is full; the message was dropped.");
    }

    /// <summary>Peers send AppendEntries batches larger than any client request; the limit is raised for these routes only.</summary>
    private void AllowPeerSizedBody(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false }) limit.MaxRequestBodySize = settings.MaxPeerMessageBytes;
    }

    private ProblemHttpResult Reject(PeerRoute route, int status, string detail)
    {
        HostLog.RejectedMessage(logger, route.Path, detail);
        return TypedResults.Problem(statusCode: status, detail: detail);
    }
}
