using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// The outbound queue and sender task for one peer. The queue is bounded and drops its oldest message when full,
/// so a slow or dead peer costs only its own queue: the node loop never waits for it.
/// </summary>
internal sealed class PeerSender : IAsyncDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly int peerId;
    private readonly Uri baseUri;
    private readonly IHttpClientFactory clients;
    private readonly ILogger logger;
    private readonly Channel<Message> queue;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task pump;
    private bool reachable = true;

    public PeerSender(int peerId, NodeAddress address, int capacity, IHttpClientFactory clients, ILogger logger)
    {
        this.peerId = peerId;
        baseUri = address.ToHttpUri();
        this.clients = clients;
        this.logger = logger;
        queue = Channel.CreateBounded<Message>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
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
        try
        {
            await foreach (var message in queue.Reader.ReadAllAsync(stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await SendAsync(message).ConfigureAwait(false);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    // One message that cannot be sent (say, it fails to serialize) must not end this peer's sender.
                    HostLog.SendFailed(logger, peerId, baseUri, e);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task SendAsync(Message message)
    {
        var route = PeerRoute.Of(message);
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(message, route.TypeInfo));
        content.Headers.ContentType = Json;
        try
        {
            using var client = clients.CreateClient(HttpPeerTransport.ClientName);
            using var response = await client.PostAsync(new Uri(baseUri, route.Path), content, stopping.Token).ConfigureAwait(false);
            MarkReachable(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {route.Path}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
        {
            // Dropped: Raft resends what matters (heartbeats, retries of AppendEntries, new elections).
            MarkReachable(false, e.Message);
        }
    }

    /// <summary>Logs only changes of reachability: a dead peer would otherwise log every heartbeat.</summary>
    private void MarkReachable(bool ok, string detail)
    {
        if (ok == reachable) return;
        reachable = ok;
        if (ok) HostLog.PeerReachable(logger, peerId, baseUri);
        else HostLog.PeerUnreachable(logger, peerId, baseUri, detail);
    }
}
