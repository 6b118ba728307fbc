namespace HttpRaft.Consensus;

/// <summary>
/// The outcome of a linearizable read request: once this node has applied up to <see cref="Index"/>, the
/// read may be served from local state. <see cref="Success"/> is false when leadership could not be
/// confirmed (no leader known, or the leader stepped down); the read must then fail, never return stale data.
/// </summary>
public readonly record struct ReadState(long RequestId, bool Success, long Index);
