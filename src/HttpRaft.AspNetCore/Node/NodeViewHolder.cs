using HttpRaft.Consensus;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Node;

/// <summary>Holds the <see cref="NodeView"/> the loop last published; readers on any thread get a whole, immutable view.</summary>
internal sealed class NodeViewHolder(IOptions<RaftHostOptions> options)
{
    private NodeView current = new(options.Value.Id, Role.Follower, 0, RaftNode.None, 0, 0, 0);

    public NodeView Current => Volatile.Read(ref current);

    public void Publish(NodeView view) => Volatile.Write(ref current, view);
}
