using HttpRaft.Consensus;

namespace HttpRaft.Storage.Tests;

/// <summary>
/// The write buffer lives as long as the storage: a batch far larger than usual (a follower catching up is handed up to
/// MaxInflightMessages × MaxAppendBytes at once) is written in pieces and does not leave the buffer at its size. The
/// endurance benchmark found a follower holding a 64 MiB buffer for good after one catch-up.
/// </summary>
public sealed class WriteBufferTests : IDisposable
{
    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_batch_of_many_pieces_is_written_whole_and_leaves_the_buffer_bounded()
    {
        // 5,000 entries of 4 KiB: about 20 MiB of records in one save, five pieces.
        var entries = Enumerable.Range(1, 5000).Select(i => Entry.Normal(i, 1, Payload(i, 4096))).ToArray();
        using (var storage = dir.Open(cacheEntries: 0))
        {
            storage.Save(new HardState(1, 0, 0), entries, sync: true);
            Assert.InRange(storage.BatchBufferCapacity, 0, 2 * FileRaftStorage.BatchPieceBytes);
            AssertReadsBack(storage, entries);

            // The next batch goes on after the pieces, at the positions the index holds.
            storage.Save(null, [Entry.Normal(5001, 1, Payload(5001, 10))], sync: true);
            Assert.Equal(5001, storage.LastIndex);
        }

        using var reopened = dir.Open(cacheEntries: 0);
        Assert.Equal(5001, reopened.LastIndex);
        Assert.Equal(new HardState(1, 0, 0), reopened.HardState);
        AssertReadsBack(reopened, entries);
    }

    [Fact]
    public void An_entry_larger_than_two_pieces_does_not_leave_the_buffer_at_its_size()
    {
        var big = Entry.Normal(1, 1, Payload(1, 2 * FileRaftStorage.BatchPieceBytes + 1));
        using (var storage = dir.Open(cacheEntries: 0))
        {
            storage.Save(null, [big], sync: true);
            Assert.InRange(storage.BatchBufferCapacity, 0, 2 * FileRaftStorage.BatchPieceBytes);
            storage.Save(null, [Entry.Normal(2, 1, Payload(2, 100))], sync: true);
            AssertReadsBack(storage, [big]);
        }

        using var reopened = dir.Open(cacheEntries: 0);
        Assert.Equal(2, reopened.LastIndex);
        AssertReadsBack(reopened, [big]);
    }

    [Fact]
    public void A_buffer_within_the_bound_is_kept_for_the_next_save()
    {
        // About 1 MiB of records: the buffer grows to hold them and stays that size, sparing the next catch-up batch.
        var entries = Enumerable.Range(1, 256).Select(i => Entry.Normal(i, 1, Payload(i, 4096))).ToArray();
        using var storage = dir.Open(cacheEntries: 0);

        storage.Save(null, entries, sync: true);

        Assert.InRange(storage.BatchBufferCapacity, 256 * 4096, 2 * FileRaftStorage.BatchPieceBytes);
    }

    private static byte[] Payload(int index, int length)
    {
        var data = new byte[length];
        for (var i = 0; i < data.Length; i++) data[i] = (byte)(index * 31 + i);
        return data;
    }

    private static void AssertReadsBack(FileRaftStorage storage, Entry[] expected)
    {
        var read = storage.ReadRange(expected[0].Index, expected[^1].Index + 1);
        Assert.Equal(expected.Length, read.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Index, read[i].Index);
            Assert.Equal(expected[i].Term, read[i].Term);
            Assert.True(expected[i].Data.Span.SequenceEqual(read[i].Data.Span), $"entry {expected[i].Index} differs");
        }
    }
}
