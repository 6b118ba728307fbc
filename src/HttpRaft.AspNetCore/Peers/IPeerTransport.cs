using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Carries the core's outgoing messages to peers. <see cref="Send"/> is called on the node loop and must
/// return at once: delivery is best effort (Raft tolerates loss, delay and duplication), never a reason to wait.
/// </summary>
public interface IPeerTransport
{
    /// <summary>Queues <paramref name="messages"/> for delivery to their <see cref="Message.To"/> peers.</summary>
    void Send(IReadOnlyList<Message> messages);

    /// <summary>
    /// The peers to reach, by id, as the membership changes: streams open to new ones and close to those left out.
    /// Called on the node loop before the messages of the batch that changed the membership are sent.
    /// </summary>
    void UpdatePeers(IReadOnlyDictionary<int, NodeAddress> peers);
}
