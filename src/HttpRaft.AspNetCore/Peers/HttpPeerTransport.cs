using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Delivers peer messages as HTTP POSTs to <c>http://{peers[to]}/raft/{kind}</c>, one <see cref="PeerSender"/>
/// (queue + sender task) per peer over pooled connections from <see cref="IHttpClientFactory"/>.
/// </summary>
internal sealed class HttpPeerTransport : IPeerTransport, IAsyncDisposable
{
    /// <summary>The named <see cref="HttpClient"/> configured for peer traffic (short timeout, no proxy, no request logging).</summary>
    public const string ClientName = "HttpRaft.Peers";

    private readonly Dictionary<int, PeerSender> senders = [];

    public HttpPeerTransport(IOptions<RaftHostOptions> options, IHttpClientFactory clients, ILogger<HttpPeerTransport> logger)
    {
        var settings = options.Value;
        for (var id = 0; id < settings.Peers.Count; id++)
        {
            if (id == settings.Id) continue;
            senders[id] = new PeerSender(id, NodeAddress.Parse(settings.Peers[id]), settings.PeerQueueCapacity, clients, logger);
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
