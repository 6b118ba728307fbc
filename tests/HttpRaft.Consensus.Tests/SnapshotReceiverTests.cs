namespace HttpRaft.Consensus.Tests;

/// <summary>
/// A follower's half of a snapshot transfer (Raft §7, Figure 13): pieces of one snapshot in order up to the size
/// limit; a piece of another snapshot starts over, and a piece that does not fit is ignored.
/// </summary>
public sealed class SnapshotReceiverTests
{
    private static readonly Snapshot Sent = Snapshot.Create(9, 2, Configuration.Bootstrap([0, 1, 2]), new byte[100]);

    [Fact]
    public void A_snapshot_exactly_as_large_as_the_limit_is_received_and_a_larger_one_is_not_buffered()
    {
        // The limit bounds the memory a leader can make a follower allocate; a piece of a larger snapshot is answered
        // with nothing held, so the leader sees the transfer make no progress.
        var atTheLimit = new SnapshotReceiver(Sent.Data.Length);
        Assert.True(Sent.SameAs(atTheLimit.Add(Piece(Sent, 0, Sent.Data.Length)).Complete));

        var belowIt = new SnapshotReceiver(Sent.Data.Length - 1);
        Assert.Equal(Held(0), belowIt.Add(Piece(Sent, 0, 10)));
        Assert.Equal(Held(0), belowIt.Add(Piece(Sent, 0, 10) with { TotalBytes = -1, Data = ReadOnlyMemory<byte>.Empty }));
    }

    [Theory]
    [InlineData("index")]
    [InlineData("term")]
    [InlineData("size")]
    public void A_piece_of_a_snapshot_with_another_index_term_or_size_starts_the_transfer_over(string difference)
    {
        // The leader compacted again (or a new leader sends its own snapshot): the bytes held belong to another snapshot.
        var receiver = new SnapshotReceiver(10_000);
        Assert.Equal(Held(50), receiver.Add(Piece(Sent, 0, 50)));
        var other = difference switch
        {
            "index" => Sent with { Index = 10 },
            "term" => Sent with { Term = 3 },
            "size" => Snapshot.Create(9, 2, Configuration.Bootstrap([0, 1, 2]), new byte[101]),
            _ => throw new ArgumentOutOfRangeException(nameof(difference), difference, null),
        };

        Assert.Equal(Held(40), receiver.Add(Piece(other, 0, 40)));
        Assert.True(other.SameAs(receiver.Add(Piece(other, 40, other.Data.Length - 40)).Complete));
    }

    [Fact]
    public void A_piece_running_past_the_snapshots_size_is_ignored()
    {
        var receiver = new SnapshotReceiver(10_000);
        var tooLong = Piece(Sent, 0, 0) with { Data = new byte[Sent.Data.Length + 1] };

        Assert.Equal(Held(0), receiver.Add(tooLong));
        Assert.True(Sent.SameAs(receiver.Add(Piece(Sent, 0, Sent.Data.Length)).Complete));
    }

    /// <summary>What Add answers while the snapshot is incomplete: the bytes held and no snapshot.</summary>
    private static (long, Snapshot?) Held(long received) => (received, null);

    /// <summary>The bytes [offset, offset + length) of <paramref name="snapshot"/>, as a leader sends them.</summary>
    private static SnapshotChunk Piece(Snapshot snapshot, long offset, int length) =>
        new(From: 0, To: 1, Term: 2, snapshot.Index, snapshot.Term, offset, snapshot.Data.Length, snapshot.Data.Slice((int)offset, length));
}
