using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Node;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using HttpRaft.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HttpRaft.Tests.Node;

/// <summary>
/// Node loops wired together in memory, with no HTTP and one <see cref="FakeTimeProvider"/>: time passes only when
/// a test advances it, so elections, heartbeats and timeouts happen when the test says. Nodes can be isolated.
/// </summary>
internal sealed class LoopCluster : IAsyncDisposable
{
    public const int TickIntervalMs = 50;

    private readonly List<LoopNode> nodes = [];
    private readonly HashSet<int> isolated = [];

    private LoopCluster(int size, int commitTimeoutMs)
    {
        for (var id = 0; id < size; id++)
        {
            var options = Options.Create(new RaftHostOptions
            {
                NodeId = id,
                Peers = [.. Enumerable.Range(0, size).Select(i => $"peer{i}:{8000 + i}")],
                Apis = [.. Enumerable.Range(0, size).Select(i => $"api{i}:{9000 + i}")],
                TickIntervalMs = TickIntervalMs,
                CommitTimeoutMs = commitTimeoutMs,
            });
            nodes.Add(new LoopNode(options, new Transport(this), Time));
        }
    }

    public FakeTimeProvider Time { get; } = new();

    public int Size => nodes.Count;

    public IRaftLog Log(int id) => nodes[id].Log;

    /// <summary>A running cluster of <paramref name="size"/> loops; no time has passed yet, so nobody leads.</summary>
    public static async Task<LoopCluster> StartAsync(int size = 3, int commitTimeoutMs = 5000)
    {
        var cluster = new LoopCluster(size, commitTimeoutMs);
        await Task.WhenAll(cluster.nodes.Select(n => n.Loop.StartAsync(CancellationToken.None)));
        return cluster;
    }

    /// <summary>Drops every message to and from <paramref name="id"/>.</summary>
    public void Isolate(int id)
    {
        lock (isolated) isolated.Add(id);
    }

    /// <summary>The node every node names as leader, once they all agree and it leads; otherwise null.</summary>
    public int? AgreedLeader()
    {
        var views = nodes.Select(n => n.Log.View).ToList();
        var leader = views[0].LeaderId;
        return leader >= 0 && views.All(v => v.LeaderId == leader) && views[leader].IsLeader ? leader : null;
    }

    /// <summary>Advances fake time tick by tick, giving the loops a moment of real time after each, until <paramref name="condition"/> holds.</summary>
    public async Task<TimeSpan> RunUntilAsync(Func<bool> condition, TimeSpan maxFakeTime)
    {
        var start = Time.GetUtcNow();
        while (!condition())
        {
            var elapsed = Time.GetUtcNow() - start;
            if (elapsed > maxFakeTime) throw new TimeoutException($"Condition not met within {maxFakeTime.TotalMilliseconds} ms of fake time.");
            Time.Advance(TimeSpan.FromMilliseconds(TickIntervalMs));
            await Task.Delay(2);
        }
        return Time.GetUtcNow() - start;
    }

    public async Task<int> ElectAsync()
    {
        await RunUntilAsync(() => AgreedLeader() is not null, TimeSpan.FromSeconds(10));
        return AgreedLeader()!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes) await node.Loop.StopAsync(CancellationToken.None);
        foreach (var node in nodes) node.Loop.Dispose();
    }

    private void Deliver(Message message)
    {
        lock (isolated)
        {
            if (isolated.Contains(message.From) || isolated.Contains(message.To)) return;
        }
        nodes[message.To].Inbox.TryPost(new PeerInput(message));
    }

    /// <summary>Hands messages straight to the addressee's inbox.</summary>
    private sealed class Transport(LoopCluster cluster) : IPeerTransport
    {
        public void Send(IReadOnlyList<Message> messages)
        {
            foreach (var message in messages) cluster.Deliver(message);
        }
    }

    /// <summary>One node's parts, assembled as AddHttpRaft would.</summary>
    private sealed class LoopNode
    {
        public LoopNode(IOptions<RaftHostOptions> options, IPeerTransport transport, TimeProvider time)
        {
            var storage = new InMemoryRaftStorage();
            Inbox = new NodeInbox(options);
            var views = new NodeViewHolder(options, storage);
            Loop = new NodeLoop(Inbox, storage, transport, views, new PeerStreamLifetime(), options, time, NullLogger<NodeLoop>.Instance);
            Log = new LocalRaftLog(Inbox, views, storage, options, time);
        }

        public NodeInbox Inbox { get; }

        public NodeLoop Loop { get; }

        public LocalRaftLog Log { get; }
    }
}
