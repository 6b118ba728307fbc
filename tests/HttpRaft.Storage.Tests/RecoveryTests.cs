using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
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
        FlipBits(dir.Segments()[0], new FileInfo(dir.Segments()[0]).Length - 1, mask: 0x10);
        using var reopened = dir.Open();
        Assert.Equal(2, reopened.LastIndex);
        var warning = Assert.Single(dir.Log.Warnings);
        Assert.Contains($"offset {lastRecordStart} (checksum mismatch in the final record)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Appends_after_a_cut_torn_tail_follow_the_last_whole_record()
    {
        using (var storage = dir.Open()) storage.Save(null, Range(1, 3, 1), sync: true);
        var segment = dir.Segments()[0];
        using (var stream = new FileStream(segment, FileMode.Open)) stream.SetLength(stream.Length - 1);
        using (var reopened = dir.Open()) reopened.Save(null, [Make(3, 2, "after the cut")], sync: true);

        using var again = dir.Open();

        RoundTripTests.AssertHolds(again, [.. Range(1, 2, 1), Make(3, 2, "after the cut")], HardState.Empty);
        Assert.Single(dir.Log.Warnings);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_torn_final_record_whose_data_looks_like_a_record_that_is_not_valid_is_still_torn(bool checksummed)
    {
        // Only a whole record whose checksum matches and whose contents are well formed proves the damage is not a tear.
        var fake = checksummed
            ? Checksummed([9, .. Payload(Make(9, 1))[1..]])
            : Framed(Make(9, 1));
        if (!checksummed) BinaryPrimitives.WriteUInt32LittleEndian(fake.AsSpan(4), 0xDEADBEEF);
        using (var storage = dir.Open())
        {
            storage.Save(null, Range(1, 2, 1), sync: true);
            storage.Save(null, [Entry.Normal(3, 1, (byte[])[.. fake, .. "padding"u8])], sync: true);
        }
        var segment = dir.Segments()[0];
        using (var stream = new FileStream(segment, FileMode.Open)) stream.SetLength(stream.Length - 1);

        using var reopened = dir.Open();

        Assert.Equal(2, reopened.LastIndex);
        Assert.Single(dir.Log.Warnings);
    }

    [Theory]
    [InlineData(3, "the final record's header is cut short (3 of 8 bytes)")]
    [InlineData(8, "the final record is cut short (0 of 23 payload bytes)")]
    [InlineData(20, "the final record is cut short (12 of 23 payload bytes)")]
    public void The_warning_for_a_torn_tail_says_how_much_of_the_record_was_written(int kept, string problem)
    {
        long lastRecordStart;
        using (var storage = dir.Open())
        {
            storage.Save(null, Range(1, 2, 1), sync: true);
            lastRecordStart = new FileInfo(dir.Segments()[0]).Length;
            storage.Save(null, [Make(3, 1, "abcde")], sync: true);
        }
        using (var stream = new FileStream(dir.Segments()[0], FileMode.Open)) stream.SetLength(lastRecordStart + kept);

        using var reopened = dir.Open();

        Assert.Equal(2, reopened.LastIndex);
        Assert.Contains($"offset {lastRecordStart} ({problem})", Assert.Single(dir.Log.Warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("length 0", "record length is 0")]
    [InlineData("payload bit", "checksum mismatch")]
    [InlineData("unknown type", "record checksum matches but its contents are malformed")]
    [InlineData("short entry", "record checksum matches but its contents are malformed")]
    [InlineData("long hard state", "record checksum matches but its contents are malformed")]
    [InlineData("keyed kind", "record checksum matches but its contents are malformed")]
    [InlineData("undefined kind", "record checksum matches but its contents are malformed")]
    public void A_damaged_record_before_the_last_is_corruption_saying_what_is_wrong_with_it(string damage, string problem)
    {
        var middle = damage switch
        {
            "length 0" => new byte[RecordFrame.HeaderBytes],
            "payload bit" => Flipped(Framed(Make(2, 1)), RecordFrame.HeaderBytes + RecordFrame.EntryPayloadHeader),
            "unknown type" => Checksummed([3, .. Payload(Make(2, 1))[1..]]),
            "short entry" => Checksummed(Payload(Make(2, 1))[..(RecordFrame.EntryPayloadHeader - 1)]),
            "long hard state" => Checksummed([(byte)RecordType.HardState, .. new byte[RecordFrame.HardStatePayload]]),
            "keyed kind" => Checksummed(WithKind(Payload(Make(2, 1)), LegacyEntry.KeyedKind)),
            _ => Checksummed(WithKind(Payload(Make(2, 1)), 200)),
        };
        var segment = WriteSegment(Framed(Make(1, 1)), middle, Framed(Make(3, 1)));
        var middleStart = SegmentHeader.Bytes + Framed(Make(1, 1)).Length;

        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open());

        Assert.Equal((segment, (long)middleStart), (e.File, e.Offset));
        Assert.EndsWith($"at offset {middleStart}: {problem}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_run_past_the_end_of_the_file_is_corruption_even_when_only_an_entry_with_no_data_follows()
    {
        // The smallest record there is (an entry with no data) still counts as a valid record after the damage.
        var middle = Framed(Make(2, 1));
        BinaryPrimitives.WriteUInt32LittleEndian(middle, 1_000_000);
        var segment = WriteSegment(Framed(Make(1, 1)), middle, Framed(Entry.NoOp(3, 1)));

        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open());

        Assert.Equal((segment, (long)SegmentHeader.Bytes + Framed(Make(1, 1)).Length), (e.File, e.Offset));
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

    /// <summary>Replaces the log by one segment holding <paramref name="records"/> as they are.</summary>
    private string WriteSegment(params byte[][] records)
    {
        using (var storage = dir.Open()) storage.Save(null, [Make(1, 1)], sync: true);
        var segment = Assert.Single(dir.Segments());
        File.WriteAllBytes(segment, [.. SegmentHeader.Encode(1, reset: false), .. records.SelectMany(record => record)]);
        return segment;
    }

    private static byte[] Framed(Entry entry)
    {
        var output = new ArrayBufferWriter<byte>();
        RecordFrame.WriteEntry(output, entry);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Payload(Entry entry) => Framed(entry)[RecordFrame.HeaderBytes..];

    private static byte[] WithKind(byte[] payload, byte kind)
    {
        payload[RecordFrame.EntryPayloadHeader - 1] = kind;
        return payload;
    }

    /// <summary>A record framed around <paramref name="payload"/> with a checksum that matches it.</summary>
    private static byte[] Checksummed(byte[] payload)
    {
        var record = new byte[RecordFrame.HeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(record, RecordFrame.HeaderBytes);
        return record;
    }

    private static byte[] Flipped(byte[] bytes, int at)
    {
        bytes[at] ^= 0x10;
        return bytes;
    }
}
