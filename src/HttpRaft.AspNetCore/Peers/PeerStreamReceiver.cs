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

    public async Task<Results<Accepted, ProblemHttpResult>> ReceiveAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        AllowEndlessBody(context);
        // The stream never ends by itself: end it when this node stops, or the server would wait out its shutdown timeout.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.Ending);
        try
        {
            var problem = await ReadFramesAsync(context.Request.BodyReader, ending.Token).ConfigureAwait(false);
            if (problem is null) return TypedResults.Accepted((string?)null);
            HostLog.RejectedMessage(logger, Path, problem);
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, detail: problem);
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

    /// <summary>Reads until the body ends; returns what was wrong if a frame was rejected.</summary>
    private async Task<string?> ReadFramesAsync(PipeReader body, CancellationToken aborted)
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
            if (read.IsCompleted) return buffer.IsEmpty ? null : "the stream ended inside a frame";
        }
    }

    /// <summary>Decodes and validates every whole frame in <paramref name="buffer"/>; stops at the first bad one.</summary>
    private string? TakeFrames(ref ReadOnlySequence<byte> buffer, List<Message> messages)
    {
        while (PeerFrame.TryRead(ref buffer, limits.MaxPeerFrameBytes, out var message, out var error))
        {
            if (error is not null) return $"Malformed frame: {error}";
            var problem = PeerMessageValidator.Validate(message!, settings.Id, settings.Peers.Count, PeerMessageLimits.For(limits, views.Current.Term));
            if (problem is not null) return $"Invalid {message!.GetType().Name}: {problem}";
            messages.Add(message!);
        }
        return null;
    }

    /// <summary>The stream lasts as long as the peer connection: no body size limit, and idle stretches between messages are normal.</summary>
    private static void AllowEndlessBody(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate) rate.MinDataRate = null;
    }
}
