namespace HttpRaft.Storage;

/// <summary>
/// The state a deleted log prefix leaves behind: the last deleted entry's index and term, and the host's
/// <paramref name="Data"/> (membership, idempotency table), opaque to storage.
/// </summary>
/// <param name="Index">The last entry the snapshot covers; the log goes on at Index + 1.</param>
/// <param name="Term">That entry's term, which <see cref="HttpRaft.Consensus.IRaftLogStorage.Term"/> answers for Index.</param>
/// <param name="Data">The host's bytes, stored and returned unchanged.</param>
public sealed record StoredSnapshot(long Index, long Term, ReadOnlyMemory<byte> Data)
{
    /// <summary>True when both have the same index, term and bytes.</summary>
    public bool SameAs(StoredSnapshot? other) =>
        other is not null && Index == other.Index && Term == other.Term && Data.Span.SequenceEqual(other.Data.Span);
}
