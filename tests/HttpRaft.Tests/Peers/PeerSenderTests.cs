using System.Net;
using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using HttpRaft.Tests.Cluster;
using Microsoft.Extensions.Logging.Abstractions;

namespace HttpRaft.Tests.Peers;

/// <summary>A peer's sender outlives any one message it fails to send.</summary>
public sealed class PeerSenderTests
{
    [Fact]
    public async Task A_message_that_cannot_be_sent_does_not_stop_the_next_one()
    {
        var handler = new RecordingHandler();
        await using var sender = new PeerSender(1, NodeAddress.Parse("127.0.0.1:8001"), 16, new Clients(handler), NullLogger.Instance);

        sender.Enqueue(new Unroutable(0, 1, 1));
        sender.Enqueue(new Heartbeat(0, 1, 1, 0, 0));

        await Eventually.HoldsAsync(() => handler.Paths.Contains("/raft/heartbeat"), "the heartbeat to be sent");
    }

    /// <summary>A message kind with no route: sending it throws.</summary>
    private sealed record Unroutable(int From, int To, long Term) : Message(From, To, Term);

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Paths { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Paths.Add(request.RequestUri!.AbsolutePath);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Accepted));
        }
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
