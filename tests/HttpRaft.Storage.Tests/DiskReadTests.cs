using HttpRaft.Consensus;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>Reads of a running storage: the cache answers where it holds the entry, the segment files otherwise, and a damaged record read from disk is reported with its file and offset.</summary>
public sealed class DiskReadTests : IDisposable
{
    /// <summary>Eight bytes of data: every record is the same size, so the test knows each one's offset.</summary>
    private const string Data = "abcdefgh";

    private static readonly int RecordBytes = RecordFrame.EntryBytes(Make(1, 1, Data));

    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_read_from_disk_ends_at_high_even_where_the_segment_holds_more()
    {
        using var storage = dir.Open(cacheEntries: 0);
        var entries = Written(storage, 10);

        Assert.Equal(entries[1..4], storage.Entries(2, 5, long.MaxValue), (a, b) => a.SameAs(b));
        Assert.Equal(entries[2..6], storage.ReadRange(3, 7), (a, b) => a.SameAs(b));
    }

    [Fact]
    public void A_read_from_disk_across_segments_takes_each_entry_from_its_own_segment()
    {
        using var storage = dir.Open(segmentBytes: 128, cacheEntries: 0);
        var entries = Written(storage, 20);
        Assert.True(storage.SegmentCount >= 5, $"{storage.SegmentCount} segments");

        Assert.Equal(entries[3..17], storage.Entries(4, 18, long.MaxValue), (a, b) => a.SameAs(b));
    }

    [Fact]
    public void Cached_entries_are_answered_from_memory_and_the_rest_from_disk()
    {
        using var storage = dir.Open(cacheEntries: 3);
        var entries = Written(storage, 6);
        // Damage entry 5 on disk: the cache (entries 4..6) still answers for it, the disk alone for entry 1.
        Corrupt(RecordOffset(5) + RecordFrame.HeaderBytes + 2);
        Corrupt(RecordOffset(1) + RecordFrame.HeaderBytes + 2);

        Assert.Equal(entries[3..], storage.ReadRange(4, 7), (a, b) => a.SameAs(b));
        Assert.Throws<StorageCorruptedException>(() => storage.ReadRange(1, 2));
    }

    [Fact]
    public void A_record_that_fails_its_checksum_on_disk_is_reported_with_file_and_offset()
    {
        using var storage = dir.Open(cacheEntries: 0);
        Written(storage, 3);
        Corrupt(RecordOffset(2) + RecordFrame.HeaderBytes + 20);

        var e = Assert.Throws<StorageCorruptedException>(() => storage.ReadRange(1, 4));

        Assert.Equal($"corrupted log: {dir.Segments()[0]} at offset {RecordOffset(2)}: entry 2's record fails its checksum or is not entry 2", e.Message);
    }

    [Theory]
    [InlineData(RecordFrame.HeaderBytes + 5, "entry 3's record is cut short")]
    [InlineData(RecordFrame.HeaderBytes - 1, "entry 3's record header is cut short")]
    public void A_record_cut_short_on_disk_is_reported_with_file_and_offset(int kept, string problem)
    {
        using var storage = dir.Open(cacheEntries: 0);
        Written(storage, 3);
        CutTo(dir.Segments()[0], RecordOffset(3) + kept);

        var e = Assert.Throws<StorageCorruptedException>(() => storage.ReadRange(3, 4));

        Assert.Equal($"corrupted log: {dir.Segments()[0]} at offset {RecordOffset(3)}: {problem}", e.Message);
        Assert.Equal(2, storage.ReadRange(1, 3).Count);
    }

    [Fact]
    public void A_record_length_past_the_largest_payload_is_reported_as_impossible()
    {
        using var storage = dir.Open(cacheEntries: 0);
        Written(storage, 3);
        var length = RecordFrame.MaxPayloadBytes + 1;
        Overwrite(dir.Segments()[0], RecordOffset(2), BitConverter.GetBytes(length));

        var e = Assert.Throws<StorageCorruptedException>(() => storage.ReadRange(2, 3));

        Assert.Equal($"corrupted log: {dir.Segments()[0]} at offset {RecordOffset(2)}: entry 2's record has an impossible length {length}", e.Message);
    }

    /// <summary>Entries 1..<paramref name="count"/> of equal size, one save each.</summary>
    private static Entry[] Written(FileRaftStorage storage, int count)
    {
        var entries = Enumerable.Range(1, count).Select(i => Make(i, 1, Data)).ToArray();
        foreach (var entry in entries) storage.Save(null, [entry], sync: false);
        return entries;
    }

    /// <summary>Where entry <paramref name="index"/>'s record starts in the first segment.</summary>
    private static long RecordOffset(long index) => SegmentHeader.Bytes + (index - 1) * RecordBytes;

    private void Corrupt(long offset) => FlipBits(dir.Segments()[0], offset);
}
