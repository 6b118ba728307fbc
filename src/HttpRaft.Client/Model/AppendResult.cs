namespace HttpRaft.Client;

/// <summary>Where an append, of one entry or a batch, was committed.</summary>
/// <param name="Index">The entry's log index (a batch's first).</param>
/// <param name="Term">The term it was committed in.</param>
/// <param name="LastIndex">A batch's last index; the same as <paramref name="Index"/> for one entry.</param>
/// <param name="Replayed">
/// True when the answer came from the server's idempotency table: an earlier attempt of this same call (or of a call
/// with the same key) had already committed, and nothing was appended twice.
/// </param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> the append was sent with.</param>
public sealed record AppendResult(long Index, long Term, long LastIndex, bool Replayed, string IdempotencyKey);
