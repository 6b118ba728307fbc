using System.Globalization;
using System.Buffers;
using System.IO.Pipelines;
using HttpRaft.AspNetCore.Node;
using HttpRaft.Consensus;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Serves <c>POST /raft/stream</c>: reads <see cref="PeerFrame"/>s from the request body for as long as the
/// sending peer keeps it open, validates each and posts it to the inbox in order. When the inbox is full the
/// stream waits (TCP pushes back on the sender) rather than dropping a message out of the middle of a pipeline.
/// A frame that does not decode or validate ends the stream with 400: nothing after it can be trusted.
/// </summary>
internal sealed class PeerStreamReceiver(
    NodeInbox inbox, NodeViewHolder views, IOptions<RaftHostOptions> options, PeerStreamLifetime lifetime, ILogger<PeerStreamReceiver> logger)
{
    public const string Path = PeerEndpoints.Prefix + "/stream";

    private readonly RaftHostOptions settings = options.Value;
    private readonly SizeLimits limits = options.Value.Limits;

    /// <summary>The header a sender names itself in, so a removed member is answered 410 before its body is read.</summary>
    public const string FromHeader = "X-Raft-From";

    public async Task<Results<Accepted, ProblemHttpResult>> ReceiveAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (RemovedSender(context.Request) is { } removed) return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, detail: $"Node {removed} was removed from the cluster.");
        AllowEndlessBody(context);
        // The stream never ends by itself: end it when this node stops, or the server would wait out its shutdown timeout.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.Ending);
        try
        {
            var problem = await ReadFramesAsync(context.Request.BodyReader, ending.Token).ConfigureAwait(false);
            if (problem is null) return TypedResults.Accepted((string?)null);
            if (problem.Status == StatusCodes.Status400BadRequest) HostLog.RejectedMessage(logger, Path, problem.Detail);
            return TypedResults.Problem(statusCode: problem.Status, detail: problem.Detail);
        }
        catch (OperationCanceledException) when (lifetime.Ending.IsCancellationRequested)
        {
            // Cut the connection: the server would otherwise try to drain a body the peer never stops sending.
            context.Abort();
            return TypedResults.Accepted((string?)null);
        }
        catch (Exception e) when (e is BadHttpRequestException or ConnectionResetException or IOException or OperationCanceledException)
        {
            // The sender went away or gave up mid-frame: it will open a new stream.
            HostLog.UnreadableRequest(logger, Path, e.Message);
            return TypedResults.Accepted((string?)null);
        }
    }

    /// <summary>The sender's id when it names itself and this node's log says it was removed; otherwise null.</summary>
    private int? RemovedSender(HttpRequest request) =>
        int.TryParse(request.Headers[FromHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var from) && views.Current.Membership.Configuration.Removed(from)
            ? from
            : null;

    /// <summary>Reads until the body ends; returns what was wrong if a frame was rejected.</summary>
    private async Task<StreamProblem?> ReadFramesAsync(PipeReader body, CancellationToken aborted)
    {
        var messages = new List<Message>();
        while (true)
        {
            var read = await body.ReadAsync(aborted).ConfigureAwait(false);
            var buffer = read.Buffer;
            var problem = TakeFrames(ref buffer, messages);
            body.AdvanceTo(buffer.Start, buffer.End);
            foreach (var message in messages)
            {
                // Closed: the node is stopping, and the stream with it.
                if (!await inbox.PostPeerAsync(new PeerInput(message), aborted).ConfigureAwait(false)) return null;
            }
            messages.Clear();
            if (problem is not null) return problem;
            if (read.IsCompleted) return buffer.IsEmpty ? null : StreamProblem.Bad("the stream ended inside a frame");
        }
    }

    /// <summary>
    /// Decodes and validates every whole frame in <paramref name="buffer"/>; stops at the first bad one, or at the first
    /// from a member this node's log says was removed (410: it learns of its removal and stops campaigning).
    /// </summary>
    private StreamProblem? TakeFrames(ref ReadOnlySequence<byte> buffer, List<Message> messages)
    {
        var view = views.Current;
        while (PeerFrame.TryRead(ref buffer, limits.MaxPeerFrameBytes, out var message, out var error))
        {
            if (error is not null) return StreamProblem.Bad($"Malformed frame: {error}");
            var problem = PeerMessageValidator.Validate(message!, settings.Id, PeerMessageLimits.For(limits, view.Term));
            if (problem is not null) return StreamProblem.Bad($"Invalid {message!.GetType().Name}: {problem}");
            if (view.Membership.Configuration.Removed(message!.From)) return new StreamProblem(StatusCodes.Status410Gone, $"Node {message.From} was removed from the cluster.");
            messages.Add(message);
        }
        return null;
    }

    /// <summary>Why a stream ended early: the status to answer with, and the detail.</summary>
    private sealed record StreamProblem(int Status, string Detail)
    {
        public static StreamProblem Bad(string detail) => new(StatusCodes.Status400BadRequest, detail);
    }

    /// <summary>The stream lasts as long as the peer connection: no body size limit, and idle stretches between messages are normal.</summary>
    private static void AllowEndlessBody(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate) rate.MinDataRate = null;
    }
}
