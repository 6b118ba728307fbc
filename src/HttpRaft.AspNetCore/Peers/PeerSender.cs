using System.Globalization;
using System.Buffers;
using System.Net;
using System.Threading.Channels;
using HttpRaft.AspNetCore.Observability;
using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// The outbound queue and sender task for one peer. The sender keeps one long-lived <c>POST /raft/stream</c> open
/// to the peer and writes every queued message into its body as a <see cref="PeerFrame"/>, as many as are waiting
/// per write: messages stay in order, many are in flight at once, and no request is made per message. The queue
/// is bounded and drops its oldest message when full, so a slow or dead peer costs only its own queue: the node
/// loop never waits for it. A failed stream is reopened; what it carried is lost, and Raft resends what matters.
/// </summary>
internal sealed class PeerSender : IAsyncDisposable
{
    /// <summary>Bytes gathered into one write before it goes out, even if more messages are waiting.</summary>
    private const int WriteBatchBytes = 256 * 1024;

    // A failed stream is reopened after this pause, so a dead peer costs a connection attempt per pause, not a spin.
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(50);

    private readonly int peerId;
    private readonly int selfId;
    private readonly Uri streamUri;
    private readonly TimeSpan writeTimeout;
    private readonly IHttpClientFactory clients;
    private readonly ILogger logger;
    private readonly Channel<Message> queue;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task pump;
    private readonly RaftMetrics? metrics;
    private readonly Action? onRemoved;
    private bool reachable = true;
    // Messages taken from the queue into the batch being written: lost if the write fails. Atomic, because the client
    // can complete a request whose body (this stream) is still being written.
    private int unsent;

    public PeerSender(int peerId, NodeAddress address, int capacity, TimeSpan writeTimeout, IHttpClientFactory clients, ILogger logger, RaftMetrics? metrics = null, Action? onRemoved = null, int selfId = RaftNode.None)
    {
        this.peerId = peerId;
        this.selfId = selfId;
        this.metrics = metrics;
        this.onRemoved = onRemoved;
        streamUri = new Uri(address.ToHttpUri(), PeerStreamReceiver.Path);
        this.writeTimeout = writeTimeout;
        this.clients = clients;
        this.logger = logger;
        queue = Channel.CreateBounded<Message>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
            // No synchronous continuations: encoding and socket writes (TLS included) stay off the node loop's thread.
            // Running the pump on the loop's thread measured 0-2 % (docs/performance.md, round two) and would put
            // every peer's encryption and a slow socket's write on the one thread that everything waits for.
        }, _ => metrics?.PeerDropped(peerId, 1));
        pump = Task.Run(PumpAsync);
    }

    /// <summary>Queues <paramref name="message"/>; never blocks (a full queue drops its oldest message).</summary>
    public void Enqueue(Message message) => queue.Writer.TryWrite(message);

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await stopping.CancelAsync().ConfigureAwait(false);
        await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task PumpAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await StreamAsync().ConfigureAwait(false);
                await Task.Delay(ReconnectDelay, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Connection refused or reset, a write that timed out, a peer that ended the stream: reopen it.
                StreamFailed();
                MarkReachable(false, e.GetBaseException().Message);
                await Task.Delay(ReconnectDelay, stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task StreamAsync()
    {
        using var content = new FrameStreamContent(this);
        using var request = new HttpRequestMessage(HttpMethod.Post, streamUri)
        {
            Content = content,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        // Who sends, so a peer whose log says this node was removed can answer 410 before the endless body starts
        // (Expect: 100-continue): an answer given mid-body would only reach us as a reset connection.
        request.Headers.Add(PeerStreamReceiver.FromHeader, selfId.ToString(CultureInfo.InvariantCulture));
        request.Headers.ExpectContinue = true;
        using var client = clients.CreateClient(HttpPeerTransport.ClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stopping.Token).ConfigureAwait(false);
        // The peer answers only when it ends the stream: it rejected a frame, it is shutting down, or (410) its log
        // says this node was removed from the cluster.
        if (response.StatusCode == HttpStatusCode.Gone) onRemoved?.Invoke();
        StreamFailed();
        MarkReachable(false, $"{(int)response.StatusCode} {response.ReasonPhrase}: the stream was ended by the peer");
    }

    /// <summary>Writes queued messages to the open stream until it fails or the sender stops; runs inside the POST.</summary>
    private async Task WriteFramesAsync(Stream stream)
    {
        MarkReachable(true, "");
        var batch = new ArrayBufferWriter<byte>(16 * 1024);
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stopping.Token).ConfigureAwait(false))
            {
                while (batch.WrittenCount < WriteBatchBytes && queue.Reader.TryRead(out var message)) Encode(batch, message);
                // A peer that stops reading (paused, partitioned) fills the socket; give up on it rather than wait forever.
                timeout.CancelAfter(writeTimeout);
                await stream.WriteAsync(batch.WrittenMemory, timeout.Token).ConfigureAwait(false);
                await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
                if (!timeout.TryReset()) throw new TimeoutException($"Writing to peer {peerId} took longer than {writeTimeout.TotalMilliseconds} ms.");
                metrics?.PeerSent(peerId, batch.WrittenCount);
                Volatile.Write(ref unsent, 0);
                batch.ResetWrittenCount();
                // One large AppendEntries must not keep a multi-megabyte buffer alive for the life of the stream.
                if (batch.Capacity > WriteBatchBytes * 4) batch = new ArrayBufferWriter<byte>(16 * 1024);
            }
        }
        finally
        {
            timeout.Dispose();
        }
    }

    private void Encode(ArrayBufferWriter<byte> batch, Message message)
    {
        try
        {
            PeerFrame.Write(batch, message);
            Interlocked.Increment(ref unsent);
        }
        catch (ArgumentException e)
        {
            // A message that has no frame is dropped alone; the stream and the messages behind it go on.
            HostLog.SendFailed(logger, peerId, streamUri, e);
            metrics?.PeerDropped(peerId, 1);
        }
    }

    private void StreamFailed()
    {
        metrics?.PeerStreamFailed(peerId);
        var lost = Interlocked.Exchange(ref unsent, 0);
        if (lost > 0) metrics?.PeerDropped(peerId, lost);
    }

    /// <summary>Logs only changes of reachability: a dead peer would otherwise log every reconnect attempt.</summary>
    private void MarkReachable(bool ok, string detail)
    {
        if (ok == reachable) return;
        reachable = ok;
        if (ok) HostLog.PeerReachable(logger, peerId, streamUri);
        else HostLog.PeerUnreachable(logger, peerId, streamUri, detail);
    }

    /// <summary>A request body of unknown length (sent chunked) that is the peer stream itself.</summary>
    private sealed class FrameStreamContent(PeerSender sender) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => sender.WriteFramesAsync(stream);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            sender.WriteFramesAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
