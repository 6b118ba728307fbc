using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// The node loop's only way in: one bounded channel for proposals, peer messages, reads, status requests and
/// ticks. Writers never block: a full inbox refuses the input. At most one tick is queued at a time, so a loop
/// that falls behind skips ticks instead of replaying a backlog of them. Client input may fill only three
/// quarters of the inbox: the rest is kept for peer messages and ticks, so a flood of clients cannot starve
/// the heartbeats and acknowledgements that let the cluster commit what those clients are waiting for.
/// </summary>
internal sealed class NodeInbox
{
    private readonly Channel<NodeInput> channel;
    private readonly int clientCapacity;
    private int tickQueued;
    private int closed;

    public NodeInbox(IOptions<RaftHostOptions> options)
    {
        var capacity = options.Value.InboxCapacity;
        clientCapacity = Math.Max(1, capacity - capacity / 4);
        channel = Channel.CreateBounded<NodeInput>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<NodeInput> Reader => channel.Reader;

    /// <summary>Queues a peer message; false when the inbox is full or closed.</summary>
    public bool TryPost(NodeInput input) => channel.Writer.TryWrite(input);

    /// <summary>Queues a message from a peer stream, waiting while the inbox is full; false once it is closed.</summary>
    public async ValueTask<bool> PostPeerAsync(NodeInput input, CancellationToken cancellationToken)
    {
        if (channel.Writer.TryWrite(input)) return true;
        while (await channel.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            if (channel.Writer.TryWrite(input)) return true;
        }
        return false;
    }

    /// <summary>Queues a client's input (proposal, read, status); false once client input fills its share of the inbox, or it is closed.</summary>
    public bool TryPostClient(NodeInput input) => channel.Reader.Count < clientCapacity && channel.Writer.TryWrite(input);

    /// <summary>Queues a tick unless one is already waiting.</summary>
    public void PostTick()
    {
        if (Interlocked.Exchange(ref tickQueued, 1) == 1) return;
        if (!channel.Writer.TryWrite(TickInput.Instance)) Volatile.Write(ref tickQueued, 0);
    }

    /// <summary>Called by the loop as it takes a tick, so the timer may queue the next one.</summary>
    public void TickTaken() => Volatile.Write(ref tickQueued, 0);

    /// <summary>True once <see cref="Close"/> was called: input is refused because the loop is stopping, not because it is busy.</summary>
    public bool IsClosed => Volatile.Read(ref closed) == 1;

    /// <summary>Refuses all further input: the loop is stopping.</summary>
    public void Close()
    {
        Volatile.Write(ref closed, 1);
        channel.Writer.TryComplete();
    }
}
