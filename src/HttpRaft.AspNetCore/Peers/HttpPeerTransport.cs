using HttpRaft.AspNetCore.Node;
using HttpRaft.AspNetCore.Observability;
using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Delivers peer messages over one long-lived <c>POST http://{peer}/raft/stream</c> per peer, each with its own
/// <see cref="PeerSender"/> (queue + sender task), over connections from <see cref="IHttpClientFactory"/>. The peers
/// follow the membership (<see cref="UpdatePeers"/>); a peer that answers 410 (this node was removed) is reported to
/// the node loop, which stops campaigning.
/// </summary>
internal sealed class HttpPeerTransport : IPeerTransport, IAsyncDisposable
{
    /// <summary>The named <see cref="HttpClient"/> configured for peer traffic (no proxy, no request logging, connect timeout).</summary>
    public const string ClientName = "HttpRaft.Peers";

    private readonly RaftHostOptions settings;
    private readonly IHttpClientFactory clients;
    private readonly ILogger logger;
    private readonly RaftMetrics? metrics;
    private readonly NodeInbox? inbox;
    private readonly Dictionary<int, (NodeAddress Address, PeerSender Sender)> senders = [];

    public HttpPeerTransport(IOptions<RaftHostOptions> options, IHttpClientFactory clients, ILogger<HttpPeerTransport> logger, RaftMetrics? metrics = null, NodeInbox? inbox = null)
    {
        settings = options.Value;
        this.clients = clients;
        this.logger = logger;
        this.metrics = metrics;
        this.inbox = inbox;
    }

    public void Send(IReadOnlyList<Message> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            if (senders.TryGetValue(message.To, out var peer)) peer.Sender.Enqueue(message);
        }
    }

    public void UpdatePeers(IReadOnlyDictionary<int, NodeAddress> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        foreach (var (id, old) in senders.Where(s => !peers.TryGetValue(s.Key, out var address) || address != s.Value.Address).ToList())
        {
            senders.Remove(id);
            // Off the loop: a stopping sender waits for its stream to end.
            _ = old.Sender.DisposeAsync().AsTask();
        }
        foreach (var (id, address) in peers)
        {
            if (id == settings.Id || senders.ContainsKey(id)) continue;
            var sender = new PeerSender(id, address, settings.PeerQueueCapacity, TimeSpan.FromMilliseconds(settings.PeerRequestTimeoutMs), clients, logger, metrics, OnRemoved, settings.Id);
            senders[id] = (address, sender);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, sender) in senders.Values) await sender.DisposeAsync().ConfigureAwait(false);
    }

    private void OnRemoved() => inbox?.TryPost(RemovedInput.Instance);
}
