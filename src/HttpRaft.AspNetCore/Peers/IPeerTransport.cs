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
}
