using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// The node loop's only way in: one bounded channel for proposals, peer messages, reads, status requests and
/// ticks. Writers never block: a full inbox refuses the input. At most one tick is queued at a time, so a loop
/// that falls behind skips ticks instead of replaying a backlog of them.
/// </summary>
internal sealed class NodeInbox
{
    private readonly Channel<NodeInput> channel;
    private int tickQueued;
    private int closed;

    public NodeInbox(IOptions<RaftHostOptions> options) =>
        channel = Channel.CreateBounded<NodeInput>(new BoundedChannelOptions(options.Value.InboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

    public ChannelReader<NodeInput> Reader => channel.Reader;

    /// <summary>Queues <paramref name="input"/>; false when the inbox is full or closed.</summary>
    public bool TryPost(NodeInput input) => channel.Writer.TryWrite(input);

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
