using HttpRaft.AspNetCore.Observability;
using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Delivers peer messages over one long-lived <c>POST http://{peers[to]}/raft/stream</c> per peer, each with its
/// own <see cref="PeerSender"/> (queue + sender task), over connections from <see cref="IHttpClientFactory"/>.
/// </summary>
internal sealed class HttpPeerTransport : IPeerTransport, IAsyncDisposable
{
    /// <summary>The named <see cref="HttpClient"/> configured for peer traffic (no proxy, no request logging, connect timeout).</summary>
    public const string ClientName = "HttpRaft.Peers";

    private readonly Dictionary<int, PeerSender> senders = [];

    public HttpPeerTransport(IOptions<RaftHostOptions> options, IHttpClientFactory clients, ILogger<HttpPeerTransport> logger, RaftMetrics? metrics = null)
    {
        var settings = options.Value;
        for (var id = 0; id < settings.Peers.Count; id++)
        {
            if (id == settings.Id) continue;
            senders[id] = new PeerSender(id, NodeAddress.Parse(settings.Peers[id]), settings.PeerQueueCapacity, TimeSpan.FromMilliseconds(settings.PeerRequestTimeoutMs), clients, logger, metrics);
        }
    }

    public void Send(IReadOnlyList<Message> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            if (senders.TryGetValue(message.To, out var sender)) sender.Enqueue(message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in senders.Values) await sender.DisposeAsync().ConfigureAwait(false);
    }
}
