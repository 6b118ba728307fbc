using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore;

/// <summary>
/// The replicated log as an ASP.NET Core app embedding a node uses it: append and wait for commit, read what is
/// committed, and ask who leads. Thread-safe; every call reaches the node loop through its inbox or a published view.
/// </summary>
public interface IRaftLog
{
    /// <summary>This node's id.</summary>
    int NodeId { get; }

    /// <summary>The node's latest published state; cheap, never waits on the loop.</summary>
    NodeView View { get; }

    /// <summary>
    /// The first index the log holds right now (1 until a cut). Read it after a read to know whether a cut raced the
    /// read: entries before it are gone (docs/design.md §8).
    /// </summary>
    long FirstIndex { get; }

    /// <summary>The leader's client API address exactly as configured in <c>apis</c>, or null when no leader is known.</summary>
    string? LeaderApiAddress { get; }

    /// <summary>
    /// Proposes <paramref name="entries"/> as consecutive log entries and waits until they commit, this node stops
    /// leading, or the commit timeout passes. Never throws for a protocol outcome; the result says what happened.
    /// </summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<ReadOnlyMemory<byte>> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends exactly once per <paramref name="idempotencyKey"/> (see <see cref="Idempotency.IdempotencyKey"/> for
    /// what a key may be): a retry with the same key and entries gets the original index and term
    /// (<see cref="AppendResult.Replayed"/>), even from a new leader after failover or a restart; the same key with
    /// other entries gets <see cref="AppendOutcome.KeyConflict"/>. Null appends without a key.
    /// </summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<ReadOnlyMemory<byte>> entries, string? idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> committed client entries at or after <paramref name="fromIndex"/>, skipping internal
    /// no-ops and showing only the client's bytes of keyed entries, and at most <see cref="SizeLimits.MaxPageBytes"/> of entry data (but at least one entry).
    /// </summary>
    LogPage ReadCommitted(long fromIndex, int limit);

    /// <summary>
    /// Waits until this node has applied <paramref name="index"/> (so <see cref="ReadCommitted"/> can see it), or its log
    /// was cut (so entries a reader started from may be gone: read again), woken once per applied batch; false when
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    Task<bool> WaitForAppliedAsync(long index, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>The committed entry at <paramref name="index"/> (a client entry with only the client's bytes, or an internal no-op), or null if not committed here yet.</summary>
    Entry? GetCommitted(long index);

    /// <summary>
    /// The core's full status, taken on the node loop (includes each follower's match index on the leader). Throws
    /// <see cref="TimeoutException"/> when the loop does not answer within the commit timeout, and
    /// <see cref="InvalidOperationException"/> when its inbox refuses the request (full, or stopping).
    /// </summary>
    Task<RaftStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A linearizable read barrier (ReadIndex, dissertation §6.4): the commit index confirmed by the leader,
    /// returned once this node has applied up to it; null when leadership could not be confirmed in time.
    /// </summary>
    Task<long?> ReadIndexAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands leadership to <paramref name="targetId"/>, or to the most up-to-date voter when it is null (dissertation
    /// §3.10), and waits until the target leads or the attempt ends: the leader stops taking appends (they wait, then
    /// go to the new leader), catches the target up and tells it to campaign at once; after an election timeout without
    /// success it serves again. Never throws for a protocol outcome.
    /// </summary>
    Task<TransferOutcome> TransferLeadershipAsync(int? targetId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes one membership change (dissertation §4.1) and waits until its configuration entry commits, up to the
    /// commit timeout: add a learner (with the next unused id), promote a caught-up learner, or remove a member (not
    /// this leader: transfer leadership first). Never throws for a protocol outcome.
    /// </summary>
    Task<ChangeOutcome> ChangeMembershipAsync(MembershipChange change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every entry before <paramref name="firstIndex"/> (at most the commit index) on every node
    /// (docs/design.md §8): the leader appends a truncation entry, and this call waits until the leader has applied it
    /// and cut its own log, up to the commit timeout. An index at or before the first index is already done. Never
    /// throws for a protocol outcome.
    /// </summary>
    Task<TruncateOutcome> TruncateAsync(long firstIndex, CancellationToken cancellationToken = default);
}
