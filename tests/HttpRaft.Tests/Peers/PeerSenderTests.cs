using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using HttpRaft.Tests.Cluster;
using Microsoft.Extensions.Logging.Abstractions;

namespace HttpRaft.Tests.Peers;

/// <summary>A peer's sender streams its messages in order over one request, and outlives any failure.</summary>
public sealed class PeerSenderTests
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Messages_go_out_in_order_as_frames_on_one_stream()
    {
        var peer = new StreamingPeer();
        await using var sender = new PeerSender(1, NodeAddress.Parse("127.0.0.1:8001"), 1024, WriteTimeout, new Clients(peer), NullLogger.Instance);

        for (var round = 1; round <= 500; round++) sender.Enqueue(new Heartbeat(0, 1, 1, 0, round));

        await Eventually.HoldsAsync(() => peer.Received.Count == 500, "all 500 heartbeats to arrive");
        Assert.Equal(Enumerable.Range(1, 500).Select(r => (long)r), peer.Received.Cast<Heartbeat>().Select(h => h.ReadRound));
        Assert.Equal(1, peer.Streams);
        Assert.Equal(["/raft/stream"], peer.Paths.Distinct());
    }

    [Fact]
    public async Task A_stream_that_fails_to_open_is_reopened()
    {
        var peer = new StreamingPeer { FailingAttempts = 2 };
        await using var sender = new PeerSender(1, NodeAddress.Parse("127.0.0.1:8001"), 16, WriteTimeout, new Clients(peer), NullLogger.Instance);

        sender.Enqueue(new Heartbeat(0, 1, 1, 0, 7));

        await Eventually.HoldsAsync(() => !peer.Received.IsEmpty, "the heartbeat to arrive on a reopened stream");
        Assert.Equal(3, peer.Streams);
    }

    [Fact]
    public async Task A_message_that_cannot_be_encoded_does_not_stop_the_next_one()
    {
        var peer = new StreamingPeer();
        await using var sender = new PeerSender(1, NodeAddress.Parse("127.0.0.1:8001"), 16, WriteTimeout, new Clients(peer), NullLogger.Instance);

        sender.Enqueue(new Unframed(0, 1, 1));
        sender.Enqueue(new Heartbeat(0, 1, 1, 0, 0));

        await Eventually.HoldsAsync(() => peer.Received.Any(m => m is Heartbeat), "the heartbeat to be sent");
    }

    /// <summary>A message kind with no frame: encoding it throws.</summary>
    private sealed record Unframed(int From, int To, long Term) : Message(From, To, Term);

    /// <summary>Plays the receiving peer: decodes the request body's frames as they arrive.</summary>
    private sealed class StreamingPeer : HttpMessageHandler
    {
        private int attempts;

        public int FailingAttempts { get; init; }

        public int Streams => Volatile.Read(ref attempts);

        public ConcurrentQueue<Message> Received { get; } = [];

        public ConcurrentBag<string> Paths { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Paths.Add(request.RequestUri!.AbsolutePath);
            if (Interlocked.Increment(ref attempts) <= FailingAttempts) throw new HttpRequestException("Connection refused");
            var pipe = new Pipe();
            var reading = ReadAsync(pipe.Reader);
            try
            {
                await request.Content!.CopyToAsync(pipe.Writer.AsStream(), cancellationToken);
            }
            finally
            {
                await pipe.Writer.CompleteAsync();
                await reading;
            }
            return new HttpResponseMessage(HttpStatusCode.Accepted);
        }

        private async Task ReadAsync(PipeReader reader)
        {
            while (true)
            {
                var read = await reader.ReadAsync();
                var buffer = read.Buffer;
                while (PeerFrame.TryRead(ref buffer, 1 << 20, out var message, out _)) Received.Enqueue(message!);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return;
            }
        }
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
