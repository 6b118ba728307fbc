namespace HttpRaft.Consensus;

/// <summary>
/// A follower's half of a snapshot transfer: the pieces of one snapshot in order, until all its bytes are here. A
/// piece of another snapshot starts over (the leader compacted again); a piece out of order is ignored and the
/// acknowledgement says what is held, so the leader resends from there.
/// </summary>
internal sealed class SnapshotReceiver(long maxBytes)
{
    private long index = -1;
    private long term;
    private byte[] buffer = [];
    private long received;

    /// <summary>Takes <paramref name="chunk"/>; returns the bytes now held, and the whole snapshot once they are all here.</summary>
    public (long Received, Snapshot? Complete) Add(SnapshotChunk chunk)
    {
        if (chunk.TotalBytes < 0 || chunk.TotalBytes > maxBytes) return (0, null);
        if (chunk.SnapshotIndex != index || chunk.SnapshotTerm != term || chunk.TotalBytes != buffer.Length)
        {
            if (chunk.Offset != 0) return (0, null);
            (index, term, buffer, received) = (chunk.SnapshotIndex, chunk.SnapshotTerm, new byte[chunk.TotalBytes], 0);
        }
        if (chunk.Offset != received || chunk.Offset + chunk.Data.Length > buffer.Length) return (received, null);
        chunk.Data.Span.CopyTo(buffer.AsSpan((int)received));
        received += chunk.Data.Length;
        if (received < buffer.Length) return (received, null);
        var snapshot = new Snapshot(index, term, buffer);
        Reset();
        // Damaged or foreign data must not reach the log: answering that nothing is held makes the leader start over.
        return snapshot.Problem() is null ? (snapshot.Data.Length, snapshot) : (0, null);
    }

    private void Reset() => (index, term, buffer, received) = (-1, 0, [], 0);
}
