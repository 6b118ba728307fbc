using HttpRaft.Consensus;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>A torn tail is cut off with a warning; damage anywhere else stops the open with the file and offset.</summary>
public sealed class RecoveryTests : IDisposable
{
    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_segment_cut_at_every_byte_of_its_last_record_reopens_to_the_record_before()
    {
        long lastRecordStart;
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(1, 0, 0), Range(1, 2, 1), sync: true);
            lastRecordStart = new FileInfo(dir.Segments()[0]).Length;
            storage.Save(null, [Make(3, 1, "the last record")], sync: true);
        }
        var segment = dir.Segments()[0];
        var pristine = File.ReadAllBytes(segment);
        Assert.True(pristine.Length > lastRecordStart + 8);

        for (var cut = lastRecordStart; cut < pristine.Length; cut++)
        {
            File.WriteAllBytes(segment, pristine[..(int)cut]);
            using var reopened = dir.Open();
            Assert.Equal(2, reopened.LastIndex);
            RoundTripTests.AssertHolds(reopened, Range(1, 2, 1), new HardState(1, 0, 0));
            if (cut > lastRecordStart)
            {
                var warning = Assert.Single(dir.Log.Warnings.Skip(dir.Log.Warnings.Count - 1));
                Assert.Contains(segment, warning, StringComparison.Ordinal);
                Assert.Contains($"offset {lastRecordStart}", warning, StringComparison.Ordinal);
            }
            // The cut is made durable: the file now ends at the last whole record, and appends continue from it.
            Assert.Equal(lastRecordStart, new FileInfo(segment).Length);
            reopened.Save(null, [Make(3, 1, "again")], sync: true);
        }
    }

    [Fact]
    public void A_checksum_mismatch_in_the_final_record_is_a_torn_write()
    {
        long lastRecordStart;
        using (var storage = dir.Open())
        {
            storage.Save(null, Range(1, 2, 1), sync: true);
            lastRecordStart = new FileInfo(dir.Segments()[0]).Length;
            storage.Save(null, [Make(3, 1)], sync: true);
        }
        FlipBit(dir.Segments()[0], new FileInfo(dir.Segments()[0]).Length - 1);
        using var reopened = dir.Open();
        Assert.Equal(2, reopened.LastIndex);
        Assert.Contains($"offset {lastRecordStart}", Assert.Single(dir.Log.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_filled_tail_is_cut_off()
    {
        using (var storage = dir.Open())
        {
            storage.Save(null, Range(1, 2, 1), sync: true);
        }
        var segment = dir.Segments()[0];
        var length = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Append)) stream.Write(new byte[4096]);
        using var reopened = dir.Open();
        Assert.Equal(2, reopened.LastIndex);
        Assert.Contains($"offset {length}", Assert.Single(dir.Log.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_flipped_bit_anywhere_in_a_middle_record_is_reported_with_file_and_offset()
    {
        long middleStart, middleEnd;
        using (var storage = dir.Open())
        {
            storage.Save(null, [Make(1, 1, "first record")], sync: true);
            middleStart = new FileInfo(dir.Segments()[0]).Length;
            storage.Save(null, [Make(2, 1, "middle record")], sync: true);
            middleEnd = new FileInfo(dir.Segments()[0]).Length;
            storage.Save(null, [Make(3, 1, "last record")], sync: true);
        }
        var segment = dir.Segments()[0];
        var pristine = File.ReadAllBytes(segment);
        // Every bit of the middle record: length, checksum and payload. A length made larger than the file must
        // not pass for a torn tail while a valid record follows it.
        for (var at = middleStart; at < middleEnd; at++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])pristine.Clone();
                damaged[at] ^= (byte)(1 << bit);
                File.WriteAllBytes(segment, damaged);
                var e = Assert.Throws<StorageCorruptedException>(() => dir.Open());
                Assert.Equal(segment, e.File);
                Assert.Equal(middleStart, e.Offset);
                Assert.Contains(segment, e.Message, StringComparison.Ordinal);
                Assert.Contains($"offset {middleStart}", e.Message, StringComparison.Ordinal);
            }
        }
        // The damaged file was left as it was for the operator.
        Assert.Equal(pristine.Length, new FileInfo(segment).Length);
    }

    [Fact]
    public void A_torn_record_in_a_segment_that_is_not_the_last_is_corruption()
    {
        using (var storage = dir.Open(segmentBytes: 256))
        {
            foreach (var chunk in Range(1, 40, 1).Chunk(4)) storage.Save(null, chunk, sync: true);
        }
        var first = dir.Segments()[0];
        var length = new FileInfo(first).Length;
        using (var stream = new FileStream(first, FileMode.Open)) stream.SetLength(length - 3);
        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open(segmentBytes: 256));
        Assert.Equal(first, e.File);
    }

    [Fact]
    public void A_missing_segment_is_corruption()
    {
        using (var storage = dir.Open(segmentBytes: 256))
        {
            foreach (var chunk in Range(1, 60, 1).Chunk(4)) storage.Save(null, chunk, sync: true);
        }
        var segments = dir.Segments();
        Assert.True(segments.Length >= 3);
        File.Delete(segments[1]);
        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open(segmentBytes: 256));
        Assert.Equal(segments[1], e.File);
    }

    [Fact]
    public void A_lost_first_segment_is_corruption_even_when_nothing_was_committed()
    {
        using (var storage = dir.Open(segmentBytes: 256))
        {
            foreach (var chunk in Range(1, 60, 1).Chunk(4)) storage.Save(null, chunk, sync: true);
        }
        File.Delete(dir.Segments()[0]);

        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open(segmentBytes: 256));

        Assert.Contains("entries 1 to 60 are missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gap_in_the_indexes_is_corruption()
    {
        using (var storage = dir.Open(segmentBytes: 256))
        {
            foreach (var chunk in Range(1, 60, 1).Chunk(4)) storage.Save(null, chunk, sync: true);
        }
        var segments = dir.Segments();
        // Replace a middle segment by an empty one: the next segment's first entry no longer follows.
        File.WriteAllBytes(segments[1], []);
        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open(segmentBytes: 256));
        Assert.Equal(segments[2], e.File);
        Assert.Equal(0, e.Offset);
        Assert.Contains("gap", e.Message, StringComparison.Ordinal);
    }

    private static void FlipBit(string path, long offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }
}
