using System.Text;
using HttpRaft.Consensus;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>What is saved reads back the same, before and after reopening, for every kind of write.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Entries_and_hard_state_read_back_as_saved()
    {
        using var storage = dir.Open();
        var entries = new[] { Make(1, 1, "a"), Entry.NoOp(2, 2), Make(3, 2, "ccc") };
        storage.Save(new HardState(2, 1, 1), entries, sync: true);

        AssertHolds(storage, entries, new HardState(2, 1, 1));
    }

    [Fact]
    public void Format_2_entries_of_every_kind_the_core_defines_read_back_exactly_as_saved()
    {
        // Data is opaque from format 2 on: the host's tag byte and envelope are stored as given, never translated.
        var entries = Enum.GetValues<EntryKind>()
            .Select((kind, i) => new Entry(i + 1, 1, kind, (byte[])[PayloadTag.Keyed, 7, (byte)'k', 0, 2]))
            .ToArray();
        using (var storage = dir.Open(cacheEntries: 0)) storage.Save(new HardState(1, 0, 1), entries, sync: true);

        using var reopened = dir.Open(cacheEntries: 0);
        AssertHolds(reopened, entries, new HardState(1, 0, 1));
    }

    [Fact]
    public void A_kind_the_core_does_not_define_is_refused()
    {
        using var storage = dir.Open();
        var unknown = new Entry(1, 1, (EntryKind)200, "x"u8.ToArray());

        Assert.Throws<ArgumentException>(() => storage.Save(null, [unknown], sync: true));
        Assert.Equal(0, storage.LastIndex);
    }

    [Fact]
    public void A_fresh_directory_opens_empty()
    {
        using var storage = dir.Open();
        Assert.Equal(HardState.Empty, storage.HardState);
        Assert.Equal(1, storage.FirstIndex);
        Assert.Equal(0, storage.LastIndex);
        Assert.Equal(0, storage.Term(0));
        Assert.Empty(storage.ReadRange(1, 10));
    }

    [Fact]
    public void Reopening_after_appends_finds_every_entry()
    {
        var all = Range(1, 50, 3);
        using (var storage = dir.Open())
        {
            foreach (var chunk in all.Chunk(7)) storage.Save(null, chunk, sync: true);
        }
        using var reopened = dir.Open();
        AssertHolds(reopened, all, HardState.Empty);
        Assert.Empty(dir.Log.Warnings);
    }

    [Fact]
    public void Reopening_after_a_hard_state_only_write_finds_it()
    {
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(1, 0, 0), Range(1, 2, 1), sync: true);
            storage.Save(new HardState(5, 2, 2), [], sync: true);
        }
        using var reopened = dir.Open();
        AssertHolds(reopened, Range(1, 2, 1), new HardState(5, 2, 2));
    }

    [Fact]
    public void Reopening_after_a_suffix_truncation_finds_the_replacing_entries_only()
    {
        var expected = Range(1, 5, 1).Concat([Make(6, 2, "new 6"), Make(7, 2, "new 7")]).ToArray();
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(1, 0, 3), Range(1, 10, 1), sync: true);
            storage.Save(new HardState(2, 1, 3), [Make(6, 2, "new 6"), Make(7, 2, "new 7")], sync: true);
            AssertHolds(storage, expected, new HardState(2, 1, 3));
        }
        using var reopened = dir.Open();
        AssertHolds(reopened, expected, new HardState(2, 1, 3));

        // And it keeps going from there.
        reopened.Save(null, [Make(8, 2)], sync: true);
        Assert.Equal(8, reopened.LastIndex);
    }

    [Fact]
    public void Truncating_back_to_the_first_entry_replaces_the_whole_log()
    {
        using (var storage = dir.Open())
        {
            storage.Save(null, Range(1, 4, 1), sync: true);
            storage.Save(null, Range(1, 2, 3), sync: true);
        }
        using var reopened = dir.Open();
        AssertHolds(reopened, Range(1, 2, 3), HardState.Empty);
    }

    [Fact]
    public void Reopening_after_segments_roll_finds_every_entry_across_them()
    {
        var all = Range(1, 300, 1);
        using (var storage = dir.Open(segmentBytes: 1024))
        {
            foreach (var chunk in all.Chunk(5)) storage.Save(new HardState(1, 0, chunk[0].Index), chunk, sync: true);
            Assert.True(storage.SegmentCount > 5, $"expected several segments, got {storage.SegmentCount}");
        }
        Assert.True(dir.Segments().Length > 5);
        using var reopened = dir.Open(segmentBytes: 1024);
        AssertHolds(reopened, all, new HardState(1, 0, 296));
    }

    [Fact]
    public void A_truncation_reaching_back_into_an_earlier_segment_survives_reopening()
    {
        using (var storage = dir.Open(segmentBytes: 512))
        {
            foreach (var chunk in Range(1, 100, 1).Chunk(4)) storage.Save(null, chunk, sync: true);
            storage.Save(null, [Make(10, 2, "ten")], sync: true);
        }
        using var reopened = dir.Open(segmentBytes: 512);
        AssertHolds(reopened, [.. Range(1, 9, 1), Make(10, 2, "ten")], HardState.Empty);
    }

    [Fact]
    public void Entries_reads_from_disk_when_the_cache_is_off_and_honours_max_bytes()
    {
        using var storage = dir.Open(cacheEntries: 0);
        storage.Save(null, Range(1, 10, 1), sync: true);
        var one = Range(1, 1, 1)[0];
        Assert.Single(storage.Entries(1, 11, 1));
        Assert.Equal(3, storage.Entries(1, 11, 3 * one.Size).Count);
        Assert.Equal(10, storage.Entries(1, 11, long.MaxValue).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Entries(1, 12, long.MaxValue));
    }

    [Fact]
    public void Large_and_empty_entries_read_back_from_disk()
    {
        var big = new string('b', 10_000);
        var entries = new[] { Make(1, 1, "small"), Make(2, 1, big), Entry.NoOp(3, 2), Make(4, 2, new string('c', 4096 - 8 - 18)) };
        using (var storage = dir.Open(cacheEntries: 0))
        {
            storage.Save(null, entries, sync: true);
            AssertHolds(storage, entries, HardState.Empty);
        }
        using var reopened = dir.Open(cacheEntries: 0);
        AssertHolds(reopened, entries, HardState.Empty);
    }

    [Fact]
    public void A_gap_in_what_is_saved_is_refused()
    {
        using var storage = dir.Open();
        storage.Save(null, Range(1, 3, 1), sync: true);
        Assert.Throws<ArgumentException>(() => storage.Save(null, [Make(5, 1)], sync: true));
        Assert.Equal(3, storage.LastIndex);
    }

    [Fact]
    public void A_leftover_file_in_the_directory_changes_nothing()
    {
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(3, 1, 2), Range(1, 2, 3), sync: true);
        }
        // Hard state lives in the log's own checksummed records, so there is no temp file to recover; a stray one
        // (or any other file) is ignored.
        File.WriteAllBytes(Path.Combine(dir.Path, "hardstate.tmp"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(dir.Path, "wal-x.seg.tmp"), "junk");
        using var reopened = dir.Open();
        AssertHolds(reopened, Range(1, 2, 3), new HardState(3, 1, 2));
        // Recovery deletes only the temporary files it names itself; another program's are not its to delete.
        Assert.True(File.Exists(Path.Combine(dir.Path, "hardstate.tmp")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "wal-x.seg.tmp")));
    }

    [Fact]
    public void An_empty_range_reads_nothing_and_a_reversed_one_is_refused()
    {
        using var storage = dir.Open();
        storage.Save(null, Range(1, 10, 1), sync: true);

        Assert.Empty(storage.Entries(4, 4, long.MaxValue));
        Assert.Empty(storage.Entries(11, 11, long.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Entries(5, 4, long.MaxValue));
        Assert.Empty(storage.ReadRange(5, 4));
        Assert.Equal([10L], storage.ReadRange(10, 11).Select(e => e.Index));
    }

    [Fact]
    public void Entries_that_are_not_consecutive_are_refused_whole()
    {
        using var storage = dir.Open();
        storage.Save(null, Range(1, 2, 1), sync: true);

        Assert.Throws<ArgumentException>(() => storage.Save(null, [Make(3, 1), Make(5, 1)], sync: true));
        Assert.Throws<ArgumentException>(() => storage.Save(null, [Make(3, 1), Make(3, 1)], sync: true));
        Assert.Throws<ArgumentException>(() => storage.Save(null, [Make(3, 1), Make(4, 1), Make(3, 1)], sync: true));
        Assert.Equal(2, storage.LastIndex);
    }

    [Fact]
    public void Control_entry_indexes_follow_appends_truncations_and_compactions()
    {
        using var storage = dir.Open();
        storage.Save(null, [Make(1, 1), Entry.ForTruncation(2, 1, 1), Make(3, 1), Entry.ForTruncation(4, 1, 1), Entry.ForTruncation(5, 1, 1), Make(6, 1)], sync: true);
        Assert.Equal([2L, 4L, 5L], storage.ControlEntryIndexes);

        // Entry 4 is replaced by an ordinary entry: it and 5 go, 2 stays.
        storage.Save(null, [Make(4, 2), Entry.ForTruncation(5, 2, 1)], sync: true);
        Assert.Equal([2L, 5L], storage.ControlEntryIndexes);

        // A compaction drops those it covers, the one at its index included.
        storage.Compact(new Snapshot(2, 1, default));
        Assert.Equal([5L], storage.ControlEntryIndexes);
        storage.Compact(new Snapshot(5, 2, default));
        Assert.Empty(storage.ControlEntryIndexes);
    }

    [Fact]
    public void A_segment_that_has_reached_segment_bytes_exactly_takes_no_more_entries()
    {
        long full;
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(1, 0, 0), Range(1, 3, 1), sync: true);
            full = new FileInfo(dir.Segments().Single()).Length;
        }
        using (var storage = dir.Open(segmentBytes: full + 1))
        {
            storage.Save(null, [Make(4, 1)], sync: true);
            Assert.Equal(1, storage.SegmentCount);
            full = new FileInfo(dir.Segments().Single()).Length;
        }
        using var reopened = dir.Open(segmentBytes: full);

        reopened.Save(null, [Make(5, 1)], sync: true);

        Assert.Equal(2, reopened.SegmentCount);
        Assert.Equal(5, SegmentHeader.Read(dir.Segments()[1]).BaseIndex);
    }

    [Fact]
    public void A_hard_state_alone_goes_to_a_full_segment_rather_than_start_one()
    {
        using var storage = dir.Open(segmentBytes: 1);
        storage.Save(null, Range(1, 2, 1), sync: true);
        Assert.Equal(1, storage.SegmentCount);

        storage.Save(new HardState(2, 1, 2), [], sync: true);

        Assert.Equal(1, storage.SegmentCount);
        Assert.Equal(new HardState(2, 1, 2), storage.HardState);
    }

    internal static void AssertHolds(FileRaftStorage storage, IReadOnlyList<Entry> expected, HardState hardState)
    {
        Assert.Equal(hardState, storage.HardState);
        Assert.Equal(expected.Count, storage.LastIndex);
        var read = storage.ReadRange(1, long.MaxValue);
        Assert.Equal(expected.Count, read.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SameAs(read[i]), $"entry {i + 1}: expected {Describe(expected[i])}, read {Describe(read[i])}");
            Assert.Equal(expected[i].Term, storage.Term(expected[i].Index));
        }
        if (expected.Count > 0) Assert.Equal(read, storage.Entries(1, expected.Count + 1, long.MaxValue), (a, b) => a.SameAs(b));
    }

    private static string Describe(Entry e) => $"({e.Index}, {e.Term}, {e.Kind}, '{Encoding.UTF8.GetString(e.Data.Span)}')";
}
