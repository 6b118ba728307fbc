using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using HttpRaft.Consensus;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>
/// Format 2's segment header; format 1 (the data directory the previous release wrote, Fixtures/format1) read in
/// format 2's form and left beside new segments; and versions this release does not know, which stop the open.
/// </summary>
public sealed class FormatTests : IDisposable
{
    private static readonly string Format1Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1");
    private static readonly int[] PlainIndexes = [2, 3, 4, 5, 6, 7, 10, 11];
    private static readonly string[] PlainTexts = ["a", "b", "c", "batch-1", "batch-2", "batch-3", "after keyed two", "last plain"];

    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void The_format_1_fixture_opens_with_its_hard_state_and_every_entry_in_format_2_form()
    {
        dir.CopyFrom(Format1Fixture);
        using var storage = dir.Open();

        Assert.Equal(new HardState(1, 0, 11), storage.HardState);
        AssertFixtureEntries(storage);
        Assert.Empty(dir.Log.Warnings);
    }

    [Fact]
    public void Appends_after_the_format_1_fixture_go_to_a_new_headed_segment_and_both_reopen()
    {
        dir.CopyFrom(Format1Fixture);
        var legacy = File.ReadAllBytes(dir.Segments()[0]);
        var twelve = Entry.Normal(12, 2, (byte[])[PayloadTag.Plain, .. "twelve"u8]);
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(2, 0, 12), [twelve], sync: true);
        }

        var segments = dir.Segments();
        Assert.Equal(2, segments.Length);
        Assert.Equal(legacy, File.ReadAllBytes(segments[0]));
        var header = File.ReadAllBytes(segments[1])[..SegmentHeader.Bytes];
        Assert.Equal(SegmentHeader.CurrentFormat, BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)));
        Assert.Equal(12, BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16)));

        using var reopened = dir.Open();
        Assert.Equal(new HardState(2, 0, 12), reopened.HardState);
        AssertFixtureEntries(reopened, lastIndex: 12);
        Assert.True(twelve.SameAs(reopened.ReadRange(12, 13).Single()));
        reopened.Save(null, [Make(13, 2)], sync: true);
        Assert.Equal(2, dir.Segments().Length);
    }

    [Fact]
    public void A_compaction_that_cuts_through_the_format_1_segment_keeps_translating_what_is_left()
    {
        dir.CopyFrom(Format1Fixture);
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(2, 0, 13), [Make(12, 2), Make(13, 2)], sync: true);
            storage.Compact(new Snapshot(9, 1, "state at 9"u8.ToArray()));
        }
        using (var reopened = dir.Open())
        {
            Assert.Equal(10, reopened.FirstIndex);
            Assert.Equal(2, dir.Segments().Length);
            var entries = reopened.ReadRange(1, 14);
            Assert.Equal([10L, 11, 12, 13], entries.Select(e => e.Index));
            Assert.Equal([PayloadTag.Plain, .. "after keyed two"u8], entries[0].Data.ToArray());
            Assert.Equal([PayloadTag.Plain, .. "last plain"u8], entries[1].Data.ToArray());
            Assert.True(Make(12, 2).SameAs(entries[2]));
            reopened.Compact(new Snapshot(12, 2, "state at 12"u8.ToArray()));
        }
        Assert.Single(dir.Segments());
        using var last = dir.Open();
        Assert.Equal(13, last.FirstIndex);
        Assert.True(Make(13, 2).SameAs(last.ReadRange(1, 14).Single()));
    }

    [Theory]
    [InlineData(SegmentHeader.LegacyFormat)]
    [InlineData(SegmentHeader.CurrentFormat)]
    public void The_first_segment_left_after_a_compaction_may_begin_with_entries_it_rewrites(int format)
    {
        var segmentBytes = 128;
        using (var storage = dir.Open(segmentBytes))
        {
            // Segments [1..6] [7..12] [13..18] [19, 20, then 12 and 13 again in term 2]: a new leader's rewrite.
            foreach (var chunk in Range(1, 18, 1).Chunk(6)) storage.Save(new HardState(1, 0, 11), chunk, sync: true);
            storage.Save(null, Range(19, 20, 1), sync: true);
            storage.Save(new HardState(2, 0, 13), Range(12, 13, 2), sync: true);
            Assert.Equal(4, storage.SegmentCount);
        }
        // Format 1 is format 2 without the header: the previous release wrote the same records.
        if (format == SegmentHeader.LegacyFormat)
        {
            foreach (var path in dir.Segments()) File.WriteAllBytes(path, File.ReadAllBytes(path)[SegmentHeader.Bytes..]);
        }
        using (var storage = dir.Open(segmentBytes)) storage.Compact(new Snapshot(12, 2, default));
        Assert.Single(dir.Segments());

        using var reopened = dir.Open(segmentBytes);

        Assert.Equal((13L, 13L), (reopened.FirstIndex, reopened.LastIndex));
        Assert.Equal(2, reopened.Term(13));
        Assert.Equal(2, reopened.Term(12));
    }

    [Fact]
    public void Entries_above_the_snapshot_that_no_segment_left_holds_are_corruption()
    {
        var segmentBytes = 128;
        using (var storage = dir.Open(segmentBytes))
        {
            foreach (var chunk in Range(1, 18, 1).Chunk(6)) storage.Save(new HardState(1, 0, 18), chunk, sync: true);
            storage.Compact(new Snapshot(4, 1, default));
        }
        // The segments holding 1..12 lost: the one left starts after entries the snapshot does not cover.
        var segments = dir.Segments();
        File.Delete(segments[0]);
        File.Delete(segments[1]);

        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open(segmentBytes));

        Assert.Contains("entries 5 to 18 are missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_new_segment_starts_with_a_header_giving_the_index_it_continues_at()
    {
        using (var storage = dir.Open(segmentBytes: 300))
        {
            foreach (var chunk in Range(1, 40, 1).Chunk(3)) storage.Save(null, chunk, sync: false);
        }
        var segments = dir.Segments();
        Assert.True(segments.Length > 3);
        var expectedBase = 1L;
        foreach (var segment in segments)
        {
            var header = SegmentHeader.Read(segment);
            Assert.Equal(new SegmentHeader(SegmentHeader.CurrentFormat, SegmentHeader.Bytes, expectedBase, Reset: false), header);
            using var reader = new RecordReader(segment, header);
            while (reader.TryNext(out _)) expectedBase = RecordFrame.EntryIndex(reader.Payload) + 1;
        }
    }

    [Fact]
    public void The_magic_read_as_a_format_1_record_length_is_larger_than_any_record()
    {
        using (var storage = dir.Open()) storage.Save(null, Range(1, 1, 1), sync: true);
        var start = File.ReadAllBytes(dir.Segments()[0]);

        // So a format-1 segment, whose first bytes are a record's length, can never be taken for a headed one.
        Assert.True(BinaryPrimitives.ReadUInt32LittleEndian(start) > RecordFrame.MaxPayloadBytes);
    }

    [Fact]
    public void A_segment_in_an_unknown_version_stops_the_open_naming_the_file_and_the_versions()
    {
        using (var storage = dir.Open()) storage.Save(new HardState(1, 0, 1), Range(1, 3, 1), sync: true);
        var segment = dir.Segments()[0];
        var bytes = File.ReadAllBytes(segment);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28), Crc32.HashToUInt32(bytes.AsSpan(0, 28)));
        File.WriteAllBytes(segment, bytes);

        var e = Assert.Throws<StorageFormatException>(() => dir.Open());

        Assert.Equal(segment, e.File);
        Assert.Equal(3, e.Version);
        Assert.Equal([1, 2], e.ReadableVersions);
        Assert.Equal($"unsupported storage format: {segment} is format version 3; this release reads format versions 1 and 2 (a newer release wrote it?)", e.Message);
        Assert.Equal(bytes, File.ReadAllBytes(segment));
    }

    [Fact]
    public void A_snapshot_in_an_unknown_version_stops_the_open()
    {
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(1, 0, 3), Range(1, 3, 1), sync: true);
            storage.Compact(new Snapshot(2, 1, "s"u8.ToArray()));
        }
        var snapshot = dir.Snapshots().Single();
        var bytes = File.ReadAllBytes(snapshot);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 7);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
        File.WriteAllBytes(snapshot, bytes);

        var e = Assert.Throws<StorageFormatException>(() => dir.Open());

        Assert.Equal(snapshot, e.File);
        Assert.Equal(7, e.Version);
    }

    [Fact]
    public void A_flipped_bit_anywhere_in_a_segment_header_is_corruption_of_that_segment_at_offset_0()
    {
        using (var storage = dir.Open()) storage.Save(new HardState(1, 0, 3), Range(1, 3, 1), sync: true);
        var segment = dir.Segments()[0];
        var pristine = File.ReadAllBytes(segment);
        for (var at = 0; at < SegmentHeader.Bytes; at++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])pristine.Clone();
                damaged[at] ^= (byte)(1 << bit);
                File.WriteAllBytes(segment, damaged);
                var e = Assert.Throws<StorageCorruptedException>(() => dir.Open());
                Assert.True(e.File == segment && e.Offset == 0, $"byte {at} bit {bit}: {e.Message}");
            }
        }
    }

    [Theory]
    [InlineData(20)]
    [InlineData(100)]
    [InlineData(64 * 1024)]
    public void A_newer_version_is_named_whatever_header_length_it_declares_from_20_bytes_to_64_KiB(int length)
    {
        // The file is the header alone: a header may run to the end of its file.
        var segment = WriteSegmentFile(Header(version: 3, length));

        var e = Assert.Throws<StorageFormatException>(() => SegmentHeader.Read(segment));

        Assert.Equal((segment, 3L), (e.File, e.Version));
    }

    [Theory]
    [InlineData(19, SegmentHeader.Bytes)]
    [InlineData(64 * 1024 + 1, 70_000)]
    [InlineData(SegmentHeader.Bytes + 1, SegmentHeader.Bytes)]
    public void A_header_length_under_20_bytes_over_64_KiB_or_past_the_end_of_the_file_is_corruption(int length, int fileBytes)
    {
        var bytes = new byte[fileBytes];
        SegmentHeader.Encode(1, reset: false).CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)length);
        var segment = WriteSegmentFile(bytes);

        AssertDamaged(segment, () => SegmentHeader.Read(segment), $"the segment header's length {length} is impossible");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(15)]
    public void A_segment_cut_inside_its_header_after_the_magic_is_corruption(int cut)
    {
        var segment = WriteSegmentFile(SegmentHeader.Encode(1, reset: false)[..cut]);

        AssertDamaged(segment, () => SegmentHeader.Read(segment), "the segment header is cut short");
    }

    [Fact]
    public void A_segment_header_whose_checksum_fails_is_corruption_saying_so()
    {
        var header = SegmentHeader.Encode(5, reset: false);
        header[16] ^= 1;
        var segment = WriteSegmentFile(header);

        AssertDamaged(segment, () => SegmentHeader.Read(segment), "segment header checksum mismatch");
    }

    [Fact]
    public void A_format_2_header_of_any_length_but_32_bytes_is_corruption()
    {
        var segment = WriteSegmentFile(Header(version: SegmentHeader.CurrentFormat, length: 36));

        AssertDamaged(segment, () => SegmentHeader.Read(segment), "a format-2 segment header is 32 bytes, not 36");
    }

    [Fact]
    public void A_segment_header_with_a_base_index_below_1_is_corruption()
    {
        var segment = WriteSegmentFile(Header(version: SegmentHeader.CurrentFormat, length: SegmentHeader.Bytes, baseIndex: 0));

        AssertDamaged(segment, () => SegmentHeader.Read(segment), "the segment header's base index 0 is impossible");
    }

    [Theory]
    [InlineData(1L, false)]
    [InlineData(77L, true)]
    public void A_segment_header_reads_back_the_base_index_and_reset_flag_it_was_written_with(long baseIndex, bool reset)
    {
        var segment = WriteSegmentFile(SegmentHeader.Encode(baseIndex, reset));

        Assert.Equal(new SegmentHeader(SegmentHeader.CurrentFormat, SegmentHeader.Bytes, baseIndex, reset), SegmentHeader.Read(segment));
    }

    /// <summary>A header as some release might write it: any version and length, checksummed in its last four bytes.</summary>
    private static byte[] Header(uint version, int length, long baseIndex = 1)
    {
        var header = new byte[length];
        SegmentHeader.Encode(baseIndex, reset: false).AsSpan(0, Math.Min(length - 4, 28)).CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(length - 4), Crc32.HashToUInt32(header.AsSpan(0, length - 4)));
        return header;
    }

    private string WriteSegmentFile(byte[] bytes)
    {
        var path = Path.Combine(dir.Path, SegmentFile.NameOf(1));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Corruption of a whole file is reported at offset 0, with the file's name and the problem the operator reads.</summary>
    internal static void AssertDamaged(string path, Action read, string problem)
    {
        var e = Assert.Throws<StorageCorruptedException>(read);
        Assert.Equal((path, 0L), (e.File, e.Offset));
        Assert.Equal($"corrupted log: {path} at offset 0: {problem}", e.Message);
    }

    /// <summary>What the fixture's README lists, as format 2 reads it: tags in front of client data, keyed envelopes intact.</summary>
    private static void AssertFixtureEntries(FileRaftStorage storage, long lastIndex = 11)
    {
        Assert.Equal(1, storage.FirstIndex);
        Assert.Equal(lastIndex, storage.LastIndex);
        var entries = storage.Entries(1, 12, long.MaxValue);
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), entries.Select(e => e.Index));
        Assert.All(entries, e => Assert.Equal(1, e.Term));
        Assert.All(Enumerable.Range(1, 11), i => Assert.Equal(1, storage.Term(i)));

        Assert.Equal(EntryKind.NoOp, entries[0].Kind);
        Assert.True(entries[0].Data.IsEmpty);
        foreach (var (index, text) in PlainIndexes.Zip(PlainTexts))
        {
            Assert.Equal(EntryKind.Normal, entries[index - 1].Kind);
            Assert.Equal([PayloadTag.Plain, .. Encoding.UTF8.GetBytes(text)], entries[index - 1].Data.ToArray());
        }
        Assert.Equal(EntryKind.Normal, entries[7].Kind);
        Assert.Equal([PayloadTag.Keyed, .. Envelope("fixture-key-1", ["keyed one"])], entries[7].Data.ToArray());
        Assert.Equal(EntryKind.Normal, entries[8].Kind);
        Assert.Equal([PayloadTag.Keyed, .. Envelope("fixture-key-2", ["keyed two", "after keyed two"])], entries[8].Data.ToArray());
    }

    /// <summary>The keyed envelope as the host built it, from the README's description (not from the fixture's bytes).</summary>
    private static byte[] Envelope(string key, string[] request)
    {
        var hashed = new List<byte>();
        hashed.AddRange(BitConverter.GetBytes(request.Length));
        foreach (var text in request)
        {
            hashed.AddRange(BitConverter.GetBytes(Encoding.UTF8.GetByteCount(text)));
            hashed.AddRange(Encoding.UTF8.GetBytes(text));
        }
        return [(byte)key.Length, .. Encoding.ASCII.GetBytes(key), .. SHA256.HashData([.. hashed]), .. BitConverter.GetBytes(request.Length), .. Encoding.UTF8.GetBytes(request[0])];
    }
}
