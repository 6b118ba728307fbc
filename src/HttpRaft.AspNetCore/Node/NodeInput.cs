using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Node;

/// <summary>Anything that reaches the node loop through its inbox.</summary>
internal abstract class NodeInput;

/// <summary>One logical tick of the clock.</summary>
internal sealed class TickInput : NodeInput
{
    public static readonly TickInput Instance = new();
}

/// <summary>A peer answered 410: its log says this node was removed from the cluster.</summary>
internal sealed class RemovedInput : NodeInput
{
    public static readonly RemovedInput Instance = new();
}

/// <summary>A message a peer sent us.</summary>
internal sealed class PeerInput(Message message) : NodeInput
{
    public Message Message { get; } = message;
}

/// <summary>An input that a caller awaits: the loop completes it; continuations never run on the loop.</summary>
internal abstract class NodeRequest<T> : NodeInput
{
    private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => completion.Task;

    public void Complete(T result) => completion.TrySetResult(result);
}

/// <summary>
/// Client payloads to append, already framed by <see cref="ClientPayload"/> (a keyed proposal's first payload in its
/// <see cref="Idempotency.KeyedEnvelope"/>); once appended it remembers where, so the commit can be matched to it.
/// </summary>
internal sealed class ProposeInput(IReadOnlyList<ReadOnlyMemory<byte>> payloads, Idempotency.KeyedHeader? keyed = null) : NodeRequest<AppendResult>
{
    public IReadOnlyList<ReadOnlyMemory<byte>> Payloads { get; } = payloads;

    /// <summary>When the proposal was made (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), for the append latency.</summary>
    public long ReceivedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>The idempotency key and request hash this append carries, or null for a plain append.</summary>
    public Idempotency.KeyedHeader? Keyed { get; } = keyed;

    public long FirstIndex { get; private set; }

    public long LastIndex { get; private set; }

    public long Term { get; private set; }

    public void Appended(ProposeResult result) => (FirstIndex, LastIndex, Term) = (result.FirstIndex, result.LastIndex, result.Term);
}

/// <summary>A request for a linearizable read index.</summary>
internal sealed class ReadIndexInput : NodeRequest<long?>;

/// <summary>A request for the core's status.</summary>
internal sealed class StatusInput : NodeRequest<RaftStatus>;

/// <summary>A request to hand leadership to <see cref="TargetId"/>, or to the most up-to-date voter when it is <see cref="RaftNode.None"/>.</summary>
internal sealed class TransferInput(int targetId) : NodeRequest<TransferOutcome>
{
    public int TargetId { get; } = targetId;
}

/// <summary>Completes once no client waits on this node for a commit or a transfer: a stopping node lets them finish first.</summary>
internal sealed class DrainInput : NodeRequest<bool>;

/// <summary>A request to delete every entry before <see cref="FirstIndex"/> (docs/design.md §8); answered once this leader has cut its own log.</summary>
internal sealed class TruncateInput(long firstIndex) : NodeRequest<TruncateOutcome>
{
    public long FirstIndex { get; } = firstIndex;
}

/// <summary>A membership change to propose; answered once its configuration entry commits, or why it could not be made.</summary>
internal sealed class ChangeInput(MembershipChange change) : NodeRequest<ChangeOutcome>
{
    public MembershipChange Change { get; } = change;
}
